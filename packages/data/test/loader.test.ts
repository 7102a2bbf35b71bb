/**
 * What the PyTorch fixtures cannot show: async datasets (for await…of, the
 * prefetch of the next batch, the error of for…of over one), iterable
 * datasets, the datasets' own behaviour, memory (the loader frees what it
 * makes besides the batch; batches freed by the caller keep the count flat),
 * and clear errors for bad input.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import {
  ConcatDataset,
  DataLoader,
  type Dataset,
  defaultCollate,
  defaultConvert,
  disposeBatch,
  RandomSampler,
  SequentialSampler,
  Subset,
  TensorDataset,
} from '../src/index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** An async dataset whose items are their indices, logging when each is requested. */
function asyncRange(n: number, log: string[] = []): Dataset<number> {
  return {
    length: n,
    async get(i) {
      log.push(`get ${i}`);
      await tick();
      return i;
    },
  };
}

describe('async datasets', () => {
  it('for await…of gives the batches for…of gives over the same items', async () => {
    const sync = [...new DataLoader(range(10), { batchSize: 4 })].map((b) => b.tolist());
    const got: unknown[] = [];
    for await (const b of new DataLoader(asyncRange(10), { batchSize: 4 })) got.push(b.tolist());
    expect(got).toEqual(sync);
  });

  it("requests the next batch's items as soon as a batch is handed out (while the step runs)", async () => {
    const log: string[] = [];
    for await (const b of new DataLoader(asyncRange(6, log), { batchSize: 2 })) {
      log.push(`step ${b.tolist()}`);
      await tick();
    }
    expect(log).toEqual(['get 0', 'get 1', 'get 2', 'get 3', 'step 0,1', 'get 4', 'get 5', 'step 2,3', 'step 4,5']);
  });

  it('for…of over an async dataset says to use for await…of', () => {
    expect(() => [...new DataLoader(asyncRange(4), { batchSize: 2 })]).toThrow(/returned a Promise.*for await…of/);
    const stream = {
      async *[Symbol.asyncIterator]() {
        yield 1;
      },
    };
    expect(() => [...new DataLoader(stream)]).toThrow(/async iterable.*for await…of/);
  });

  it('an async iterable dataset is batched, the short last batch kept or dropped', async () => {
    const stream = (n: number) => ({
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < n; i++) yield { x: i, y: [i, 2 * i] };
      },
    });
    const batches: unknown[] = [];
    for await (const b of new DataLoader(stream(5), { batchSize: 2 })) batches.push([b.x.tolist(), b.y.map((t) => t.tolist())]);
    expect(batches).toEqual([
      [
        [0, 1],
        [
          [0, 1],
          [0, 2],
        ],
      ],
      [
        [2, 3],
        [
          [2, 3],
          [4, 6],
        ],
      ],
      [[4], [[4], [8]]],
    ]);
    let count = 0;
    for await (const _ of new DataLoader(stream(5), { batchSize: 2, dropLast: true })) count++;
    expect(count).toBe(2);
  });

  it("errors in an async dataset's get reach the loop", async () => {
    const failing: Dataset<number> = {
      length: 4,
      async get(i) {
        if (i === 2) throw new Error('cannot read item 2');
        return i;
      },
    };
    const run = async () => {
      for await (const b of new DataLoader(failing, { batchSize: 2 })) b.dispose();
    };
    await expect(run()).rejects.toThrow('cannot read item 2');
  });
});

describe('datasets', () => {
  it('TensorDataset: rows of each tensor; lengths must agree', () => {
    const ds = new TensorDataset(g.arange(6).reshape(3, 2), g.tensor([7, 8, 9]));
    expect(ds.length).toBe(3);
    expect(ds.get(1).map((t) => t.tolist())).toEqual([[2, 3], 8]);
    expect(ds.get(-1).map((t) => t.tolist())).toEqual([[4, 5], 9]);
    expect(() => new TensorDataset(g.zeros(3), g.zeros(4))).toThrow('Size mismatch between tensors');
    expect(() => new TensorDataset()).toThrow(/at least one tensor/);
    expect(() => new TensorDataset(g.tensor(1))).toThrow(/0-d/);
  });

  it('Subset and ConcatDataset index as PyTorch does (negative indices included)', () => {
    const sub = new Subset(
      range(10).map((i) => i * 10),
      [9, 3, 5],
    );
    expect(range(3).map((i) => sub.get(i))).toEqual([90, 30, 50]);
    expect(sub.get(-1)).toBe(50);
    expect(() => sub.get(3)).toThrow(/Subset: index 3 is out of range for length 3/);
    const cat = new ConcatDataset<number>([[0, 1, 2], [], [3], { length: 2, get: (i: number) => 4 + i }]);
    expect(cat.cumulativeSizes).toEqual([3, 3, 4, 6]);
    expect(range(6).map((i) => cat.get(i))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cat.get(-6)).toBe(0);
    expect(() => cat.get(-7)).toThrow('absolute value of index should not exceed dataset length');
    expect(() => cat.get(6)).toThrow(/out of range/);
    expect(() => new ConcatDataset([])).toThrow('datasets should not be an empty iterable');
    expect(() => new ConcatDataset([{ *[Symbol.iterator]() {} } as never])).toThrow('ConcatDataset does not support IterableDataset');
  });

  it('a Subset of an async dataset is async', async () => {
    const sub = new Subset(asyncRange(5), [4, 0]);
    expect(await sub.get(0)).toBe(4);
  });
});

describe('collation', () => {
  it('TypedArrays become rows of a tensor of their dtype', () => {
    const b = defaultCollate([Float32Array.of(1, 2), Float32Array.of(3, 4)]);
    expect([b.dtype, b.shape, b.tolist()]).toEqual([
      'float32',
      [2, 2],
      [
        [1, 2],
        [3, 4],
      ],
    ]);
    expect(defaultCollate([Int32Array.of(1), Int32Array.of(2)]).dtype).toBe('int32');
    expect(() => defaultCollate([Float32Array.of(1, 2), Float32Array.of(3)])).toThrow(/one length; sample 0 has 2, sample 1 has 1/);
  });

  it('Maps are collated key by key', () => {
    const m = defaultCollate([new Map([['a', 1]]), new Map([['a', 2]])]);
    expect(m.get('a')!.tolist()).toEqual([1, 2]);
  });

  it('mixed or unknown samples are errors naming the sample and the field', () => {
    expect(() => defaultCollate([{ a: 1 }, { a: 'x' }])).toThrow(/sample 1's \.a is a string where sample 0's \.a is a number/);
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }])).toThrow(/sample 1 has no key "a"/);
    expect(() => defaultCollate([null])).toThrow(/batch must contain tensors.*found a null/);
    expect(() => defaultCollate([])).toThrow(/the batch is empty/);
    expect(() => defaultCollate([g.zeros(2), g.zeros(3)])).toThrow();
  });

  it('defaultConvert turns TypedArrays into tensors and leaves the rest', () => {
    const c = defaultConvert({ x: Float32Array.of(1, 2), label: 3, name: 'a' }) as { x: g.Tensor; label: number; name: string };
    expect([c.x.tolist(), c.label, c.name]).toEqual([[1, 2], 3, 'a']);
  });
});

describe('memory', () => {
  it('the loader frees the row views it stacks; batches freed by the caller keep the count flat', async () => {
    const ds = new TensorDataset(g.randn(20, 3), g.randint(0, 4, [20]));
    const loader = new DataLoader(ds, { batchSize: 4, shuffle: true });
    const before = g.memory().numTensors;
    for (let epoch = 0; epoch < 2; epoch++) {
      for (const batch of loader) disposeBatch(batch);
      for await (const batch of loader) disposeBatch(batch);
    }
    expect(g.memory().numTensors).toBe(before);
  });

  it('for await…of over a sync dataset: from the second batch on, as for…of (the first shows the dataset is sync)', async () => {
    const loader = new DataLoader(new TensorDataset(g.randn(20, 3), g.randint(0, 4, [20])), { batchSize: 4 });
    const before = g.memory().numTensors;
    for (let epoch = 0; epoch < 3; epoch++) for await (const batch of loader) disposeBatch(batch);
    // The first batch's 8 row views were made outside a tidy scope (the garbage collector frees them); nothing more.
    expect(g.memory().numTensors - before).toBe(8);
  });

  it('breaking out of for await…of frees the prefetched batch', async () => {
    const ds: Dataset<g.Tensor> = { length: 10, get: async (i) => g.tensor([i]) };
    const before = g.memory().numTensors;
    for await (const batch of new DataLoader(ds, { batchSize: 2 })) {
      disposeBatch(batch);
      break;
    }
    // The items an async get returns belong to the caller (documented): free those made here.
    expect(g.memory().numTensors - before).toBeLessThanOrEqual(4);
  });

  it("with the caller's collateFn, breaking out frees what the prefetch made and nothing it was given", async () => {
    const kept = [g.tensor([7]), g.tensor([8])];
    const ds: Dataset<number> = { length: 10, get: async (i) => i };
    // One collate makes its batch; the other returns tensors the caller holds (the loader must not free them).
    const making = new DataLoader(ds, { batchSize: 2, collateFn: (items: number[]) => g.tensor(items) });
    const passing = new DataLoader(ds, { batchSize: 2, collateFn: () => kept });
    const before = g.memory().numTensors;
    for (let round = 0; round < 5; round++) {
      for await (const batch of making) {
        batch.dispose();
        break;
      }
      for await (const batch of passing) {
        expect(batch).toBe(kept);
        break;
      }
    }
    expect(g.memory().numTensors).toBe(before);
    expect(kept.every((t) => !t.isDisposed)).toBe(true);
  });

  it('disposeBatch frees tensors at any depth and skips freed ones', () => {
    const before = g.memory().numTensors;
    const t = g.ones(2);
    const batch = { a: [t, g.zeros(1)], b: new Map([['c', g.ones(1)]]), d: new Set([t]) };
    disposeBatch(batch);
    expect(g.memory().numTensors).toBe(before);
    expect(t.isDisposed).toBe(true);
  });
});

describe('bad input', () => {
  it('unknown options are named with the closest valid one', () => {
    expect(() => new DataLoader(range(4), { batchsize: 2 } as never)).toThrow(
      /DataLoader: unknown option 'batchsize' \(did you mean 'batchSize'\?\)/,
    );
    expect(() => new RandomSampler(range(4), { replacment: true } as never)).toThrow(/did you mean 'replacement'/);
  });

  it("worker options: the neutral values (PyTorch's defaults) are accepted, any other is refused with why", () => {
    const neutral = {
      numWorkers: 0,
      pinMemory: false,
      pinMemoryDevice: '',
      timeout: 0,
      workerInitFn: null,
      multiprocessingContext: null,
      prefetchFactor: 2,
      persistentWorkers: false,
    } as const;
    // Each alone and all together: the loader is the one without them.
    for (const [key, value] of Object.entries(neutral)) {
      expect(new DataLoader(range(5), { batchSize: 2, [key]: value }).length, key).toBe(3);
    }
    expect([...new DataLoader(range(5), { batchSize: 2, ...neutral })].length).toBe(3);
    // A misspelt key next to them is still caught.
    expect(() => new DataLoader(range(4), { numWorkers: 0, batchsize: 2 } as never)).toThrow(/did you mean 'batchSize'/);
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ numWorkers: 2 }, /numWorkers=2 is not supported \(only 0\): Graft loads in the calling thread/],
      [{ numWorkers: -1 }, /numWorkers option should be non-negative; use numWorkers=0/],
      [{ timeout: -1 }, /timeout option should be non-negative/],
      [{ timeout: 5 }, /timeout=5 is not supported \(only 0\)/],
      [{ pinMemory: true }, /pinMemory=true is not supported \(only false or null\)/],
      [{ persistentWorkers: true }, /persistentWorkers option needs numWorkers > 0/],
      [{ prefetchFactor: 3 }, /prefetchFactor option could only be specified in multiprocessing/],
      [{ workerInitFn: () => 0 }, /workerInitFn=a function is not supported \(only null\)/],
      [{ pinMemoryDevice: 'cuda' }, /pinMemoryDevice='cuda' is not supported/],
      [{ numWorkers: '0' }, /numWorkers='0' is not supported/],
    ];
    for (const [options, message] of refused) {
      expect(() => new DataLoader(range(4), options as never), JSON.stringify(options)).toThrow(message);
    }
  });

  it('a dataset index must be an integer in range, whichever dataset', () => {
    const ds = new TensorDataset(g.zeros(3));
    expect(() => ds.get(1.5)).toThrow('TensorDataset: an index must be an integer, got 1.5');
    expect(() => ds.get(3)).toThrow('TensorDataset: index 3 is out of range for length 3');
    expect(ds.get(-1)[0]!.shape).toEqual([]);
    expect(() => new Subset(ds, [0, 1]).get(0.5)).toThrow('Subset: an index must be an integer, got 0.5');
    expect(() => new ConcatDataset([ds, ds]).get(0.5)).toThrow('ConcatDataset: an index must be an integer, got 0.5');
  });

  it('wrong types are errors naming the option', () => {
    expect(() => new DataLoader(5 as never)).toThrow(/DataLoader: expected a dataset .*got number/);
    expect(() => new DataLoader(range(4), { shuffle: 1 } as never)).toThrow(/shuffle should be a boolean value, but got shuffle=1/);
    expect(() => new DataLoader(range(4), { generator: 0 } as never)).toThrow(/'generator' must be a g.Generator/);
    expect(() => new DataLoader(range(4), { collateFn: 'x' } as never)).toThrow(/collateFn should be a function/);
    expect(() => new RandomSampler(range(4), true, 5, 'x' as never)).toThrow(/'generator' must be a g.Generator/);
    expect(() => new RandomSampler(range(4), true, { numSamples: 3 } as never)).not.toThrow();
    expect(() => new RandomSampler(range(4), true, { replacement: false } as never)).toThrow(
      /given both positionally and in the options object/,
    );
  });

  it('length needs a sized sampler or dataset', () => {
    const endless = {
      *[Symbol.iterator]() {
        for (;;) yield 0;
      },
    };
    expect(() => new DataLoader(range(4), { sampler: endless }).length).toThrow(/has no length/);
    expect(() => new DataLoader({ *[Symbol.iterator]() {} }).length).toThrow(/has no length/);
    expect(new DataLoader({ length: 7, *[Symbol.iterator]() {} }, { batchSize: 2 }).length).toBe(4);
    expect(new SequentialSampler(range(3)).length).toBe(3);
  });
});
