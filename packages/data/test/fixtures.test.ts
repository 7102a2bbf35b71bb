/**
 * @graft/data against PyTorch 1.13 (fixtures from scripts/fixtures/generate_data.py):
 * every loader, sampler and split gives PyTorch's batches and indices for the same
 * seeds, epoch after epoch, and leaves the generator and the default generator where
 * PyTorch leaves them; default collation gives PyTorch's structure, dtypes and values;
 * bad arguments give PyTorch's messages (in Graft's spelling).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import * as data from '../src/index.js';
import fixtures from './fixtures/data.json' with { type: 'json' };
import { decode, encode, inGraftSpelling } from './helpers.js';

interface Case {
  name: string;
  kind: 'loader' | 'sampler' | 'split' | 'collate' | 'error';
  seed: number;
  defaultSeed: number;
  dataset?: { range?: number; iterable?: number; samples?: unknown[]; tensors?: unknown[] };
  options?: Record<string, unknown>;
  spec?: SamplerSpec;
  target?: string;
  lengths?: number[];
  generator?: boolean;
  samples?: unknown[];
  length?: number | null;
  epochs?: unknown[][];
  subsets?: number[][];
  output?: unknown;
  next?: { generator: number[]; default: number[] };
  error?: string;
}

interface SamplerSpec {
  sampler?: string;
  args?: Record<string, unknown>;
  indices?: number[];
  weights?: number[];
  of?: SamplerSpec;
}

const cases = fixtures.cases as unknown as Case[];
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

function makeDataset(spec: NonNullable<Case['dataset']>): unknown {
  if (spec.range !== undefined) return range(spec.range);
  if (spec.iterable !== undefined) {
    const n = spec.iterable;
    return {
      length: n,
      *[Symbol.iterator]() {
        for (let i = 0; i < n; i++) yield i;
      },
    };
  }
  if (spec.samples !== undefined) return decode(spec.samples);
  return new data.TensorDataset(...(decode(spec.tensors) as g.Tensor[]));
}

/** Options or arguments from the fixture: `generator: true` → the case's generator, a sampler spec → the sampler. */
function resolve(args: Record<string, unknown>, gen: g.Generator, dataset: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(args).map(([k, v]) => {
      if (k === 'generator') return [k, v ? gen : null];
      if (typeof v === 'object' && v !== null && 'sampler' in v) return [k, makeSampler(v as SamplerSpec, gen, dataset)];
      return [k, v];
    }),
  );
}

function makeSampler(spec: SamplerSpec, gen: g.Generator, dataset: unknown): Iterable<unknown> & { length?: number } {
  const args = resolve(spec.args ?? {}, gen, dataset);
  const ds = dataset as data.MapDataset<unknown>;
  switch (spec.sampler) {
    case 'SequentialSampler':
      return new data.SequentialSampler(ds);
    case 'RandomSampler':
      return new data.RandomSampler(ds, args);
    case 'SubsetRandomSampler':
      return new data.SubsetRandomSampler(spec.indices!, args);
    case 'WeightedRandomSampler': {
      const { numSamples, ...rest } = args;
      return new data.WeightedRandomSampler(spec.weights!, numSamples as number, rest);
    }
    case 'BatchSampler':
      return new data.BatchSampler(makeSampler(spec.of!, gen, dataset) as Iterable<number>, args);
    default:
      throw new Error(`unknown sampler ${spec.sampler}`);
  }
}

/** Seeds as the generator script does: the case's generator, and the default generator. */
function seeded(c: Case): g.Generator {
  g.manualSeed(c.defaultSeed);
  return new g.Generator().manualSeed(c.seed);
}

function expectNextDraws(c: Case, gen: g.Generator): void {
  const close = (a: number[], b: number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
  close(g.rand(3, { generator: gen }).tolist() as number[], c.next!.generator);
  close(g.rand(3).tolist() as number[], c.next!.default);
}

describe('DataLoader against PyTorch', () => {
  for (const c of cases.filter((c) => c.kind === 'loader')) {
    it(`${c.name}: batches, then the generators' next draws`, () => {
      const gen = seeded(c);
      const dataset = makeDataset(c.dataset!);
      const loader = new data.DataLoader(dataset as data.MapDataset<unknown>, resolve(c.options!, gen, dataset));
      if (c.length !== null && c.length !== undefined) expect(loader.length).toBe(c.length);
      for (const epoch of c.epochs!) expect([...loader].map(encode)).toEqual(epoch);
      expectNextDraws(c, gen);
    });
    it(`${c.name}: the same with for await…of`, async () => {
      const gen = seeded(c);
      const dataset = makeDataset(c.dataset!);
      const loader = new data.DataLoader(dataset as data.MapDataset<unknown>, resolve(c.options!, gen, dataset));
      for (const epoch of c.epochs!) {
        const got: unknown[] = [];
        for await (const batch of loader) got.push(encode(batch));
        expect(got).toEqual(epoch);
      }
      expectNextDraws(c, gen);
    });
  }
});

describe('samplers against PyTorch', () => {
  for (const c of cases.filter((c) => c.kind === 'sampler')) {
    it(c.name, () => {
      const gen = seeded(c);
      const sampler = makeSampler(c.spec!, gen, makeDataset(c.dataset!));
      expect(sampler.length).toBe(c.length);
      for (const epoch of c.epochs!) expect([...sampler]).toEqual(epoch);
      expectNextDraws(c, gen);
    });
  }
});

describe('randomSplit against PyTorch', () => {
  for (const c of cases.filter((c) => c.kind === 'split')) {
    it(c.name, () => {
      const gen = seeded(c);
      const subsets = data.randomSplit(makeDataset(c.dataset!) as number[], c.lengths!, c.generator ? { generator: gen } : {});
      expect(subsets.map((s) => s.indices)).toEqual(c.subsets);
      // A subset's items are the dataset's at its indices.
      for (const s of subsets) expect(range(s.length).map((i) => s.get(i))).toEqual(s.indices);
      expectNextDraws(c, gen);
    });
  }
});

describe('defaultCollate against PyTorch', () => {
  for (const c of cases.filter((c) => c.kind === 'collate')) {
    it(c.name, () => {
      expect(encode(data.defaultCollate(decode(c.samples) as unknown[]))).toEqual(c.output);
    });
  }
});

describe("PyTorch's messages for bad arguments", () => {
  for (const c of cases.filter((c) => c.kind === 'error')) {
    it(c.name, () => {
      const gen = seeded(c);
      const dataset = c.dataset === undefined ? undefined : makeDataset(c.dataset);
      const attempt = () => {
        if (c.target === 'DataLoader') return new data.DataLoader(dataset as data.MapDataset<unknown>, resolve(c.options!, gen, dataset));
        if (c.target === 'random_split') return data.randomSplit(dataset as number[], c.lengths!);
        if (c.target === 'collate') return data.defaultCollate(decode(c.samples) as unknown[]);
        return makeSampler({ sampler: c.target, ...c.spec }, gen, dataset);
      };
      expect(attempt).toThrow(inGraftSpelling(c.error!));
    });
  }
});
