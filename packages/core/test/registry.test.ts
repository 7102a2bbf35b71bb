/**
 * The backend registry: which backend is the default (by priority and
 * availability, whatever the order of registration), what it refuses, and
 * that the allocation guard and GRAFT_DEBUG's log cover every kernel of the
 * spec (both take the kernels from one list, kernels.ts).
 *
 * Each test loads a fresh registry (module state is per process otherwise).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KERNEL_NAMES, KERNELS, STORAGE_METHODS } from '../src/backend/kernels.js';
import { BACKEND_SPEC_VERSION, type Backend, type KernelName, type View } from '../src/backend/spec.js';
import { contiguousStrides } from '../src/shape.js';

type Registry = typeof import('../src/backend/registry.js');

async function freshRegistry(): Promise<Registry> {
  vi.resetModules();
  return import('../src/backend/registry.js');
}

/** A backend whose every method records its call (kernels return dummy handles). */
function fakeBackend(name = 'fake', overrides: Record<string, unknown> = {}): Backend & { calls: string[] } {
  const calls: string[] = [];
  const b: Record<string, unknown> = { name, specVersion: BACKEND_SPEC_VERSION, supportsFloat64: true, calls };
  for (const k of [...STORAGE_METHODS, ...KERNEL_NAMES]) {
    b[k] = (..._args: unknown[]) => {
      calls.push(k);
      return k === 'slogdet' ? [{}, {}, {}] : k === 'memory' ? { numBytes: 0 } : {};
    };
  }
  return Object.assign(b, overrides) as unknown as Backend & { calls: string[] };
}

/** A tiny seeded generator (mulberry32), so every run sees the same cases. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

interface Candidate {
  name: string;
  priority: number | undefined;
  available: boolean | 'throws' | undefined;
  factoryFails: boolean;
}

/** The rule, stated plainly: by priority (default 0), then registration order; the first available one whose factory works. */
function expectedDefault(order: readonly Candidate[]): string | undefined {
  const ranked = order.map((c, i) => ({ c, i })).sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || a.i - b.i);
  return ranked.find(({ c }) => (c.available === undefined || c.available === true) && !c.factoryFails)?.c.name;
}

afterEach(() => {
  delete (globalThis as { GRAFT_DEBUG?: unknown }).GRAFT_DEBUG;
  vi.restoreAllMocks();
});

describe('the default device is the best backend that works here, whatever the order of registration', () => {
  it('the reported example: webgl (unavailable in Node, priority -1) imported before or after cpu leaves cpu the default', async () => {
    for (const order of [
      ['webgl', 'cpu'],
      ['cpu', 'webgl'],
    ]) {
      const r = await freshRegistry();
      for (const name of order) {
        if (name === 'cpu') r.registerBackend('cpu', () => fakeBackend('cpu'), { priority: 0 });
        else
          r.registerBackend(
            'webgl',
            () => {
              throw new Error('no WebGL here');
            },
            { priority: -1, isAvailable: () => false },
          );
      }
      expect(r.currentDevice()).toBe('cpu');
      expect(r.getBackend().name).toBe('cpu');
      expect(r.listBackends()).toEqual(order);
    }
  });

  it('random sets of backends (priorities, availability, failing factories), registered in every order', async () => {
    const next = random(20240607);
    for (let trial = 0; trial < 40; trial++) {
      const count = 1 + Math.floor(next() * 4);
      const candidates: Candidate[] = Array.from({ length: count }, (_, i) => ({
        name: `b${i}`,
        priority: next() < 0.3 ? undefined : Math.floor(next() * 5) - 2,
        available: next() < 0.4 ? undefined : next() < 0.75 ? true : next() < 0.5 ? false : 'throws',
        factoryFails: next() < 0.25,
      }));
      for (const order of permutations(candidates)) {
        const r = await freshRegistry();
        for (const c of order) {
          const options = {
            ...(c.priority !== undefined ? { priority: c.priority } : {}),
            ...(c.available !== undefined
              ? {
                  isAvailable: () => {
                    if (c.available === 'throws') throw new Error('probe failed');
                    return c.available as boolean;
                  },
                }
              : {}),
          };
          r.registerBackend(
            c.name,
            () => {
              if (c.factoryFails) throw new Error(`${c.name} cannot start`);
              return fakeBackend(c.name);
            },
            options,
          );
        }
        const expected = expectedDefault(order);
        const what = JSON.stringify(order);
        if (expected === undefined) {
          expect(() => r.currentDevice(), what).toThrow(/No registered backend works here/);
          // The error says why each one was passed over.
          try {
            r.currentDevice();
          } catch (e) {
            for (const c of order) expect((e as Error).message, what).toContain(`'${c.name}'`);
          }
        } else {
          expect(r.currentDevice(), what).toBe(expected);
        }
      }
    }
  });

  it('says why each backend was passed over when none works', async () => {
    const r = await freshRegistry();
    r.registerBackend('gpu', () => fakeBackend('gpu'), { priority: 2, isAvailable: () => false });
    r.registerBackend('odd', () => fakeBackend('odd'), {
      priority: 1,
      isAvailable: () => {
        throw new Error('probe failed');
      },
    });
    r.registerBackend('broken', () => {
      throw new Error('cannot start');
    });
    expect(() => r.getBackend()).toThrow(
      "No registered backend works here ('gpu': not available here; 'odd': its availability check threw (probe failed); 'broken': cannot start). " +
        "Import '@graft/backend-cpu', which works everywhere, or choose a device with g.setBackend(name)",
    );
  });

  it('with nothing registered, says to import a backend', async () => {
    const r = await freshRegistry();
    expect(() => r.getBackend()).toThrow(/No backend registered: import '@graft\/backend-cpu'/);
  });

  it('setBackend chooses explicitly; a device that cannot start throws and changes nothing', async () => {
    const r = await freshRegistry();
    r.registerBackend('cpu', () => fakeBackend('cpu'));
    r.registerBackend('other', () => fakeBackend('other'), { priority: -5 });
    r.registerBackend(
      'webgl',
      () => {
        throw new Error('no WebGL here');
      },
      { priority: -1, isAvailable: () => false },
    );
    expect(r.currentDevice()).toBe('cpu');
    r.setBackend('other');
    expect(r.currentDevice()).toBe('other');
    expect(() => r.setBackend('webgl')).toThrow('no WebGL here');
    expect(r.currentDevice()).toBe('other');
    expect(() => r.setBackend('nope')).toThrow(/Unknown device 'nope'. Registered backends: 'cpu', 'other', 'webgl'/);
  });

  it('currentDevice (public) names the device, which two devices running one kind of backend tell apart', async () => {
    vi.resetModules();
    const g = await import('../src/index.js');
    const r = await import('../src/backend/registry.js');
    expect(g.currentDevice).toBe(r.currentDevice);
    g.registerBackend('cpu', () => fakeBackend('cpu'));
    g.registerBackend('cpu-other', () => fakeBackend('cpu'), { priority: -1 });
    expect(g.currentDevice()).toBe('cpu');
    g.setBackend('cpu-other');
    expect([g.currentDevice(), g.getBackend().name]).toEqual(['cpu-other', 'cpu']);
  });

  it('the default is settled when first needed: a backend registered later is used where named', async () => {
    const r = await freshRegistry();
    r.registerBackend('cpu', () => fakeBackend('cpu'));
    expect(r.currentDevice()).toBe('cpu');
    r.registerBackend('fast', () => fakeBackend('fast'), { priority: 10 });
    expect(r.currentDevice()).toBe('cpu');
    expect(r.backendFor('fast').name).toBe('fast');
  });

  it('a factory runs once, and not at all for a backend that is never used', async () => {
    const r = await freshRegistry();
    const made: string[] = [];
    r.registerBackend('cpu', () => (made.push('cpu'), fakeBackend('cpu')));
    r.registerBackend('gpu', () => (made.push('gpu'), fakeBackend('gpu')), { priority: -1 });
    r.getBackend();
    r.getBackend();
    r.backendFor('cpu');
    expect(made).toEqual(['cpu']);
  });
});

describe('registerBackend checks what it is given', () => {
  it.each([
    ['an empty name', (r: Registry) => r.registerBackend('', () => fakeBackend()), /device name must be a non-empty string, not ''/],
    [
      'a factory that is not a function',
      (r: Registry) => r.registerBackend('x', {} as never),
      /registerBackend\('x'\): the factory must be a function returning a Backend, not object/,
    ],
    [
      'a priority that is not a finite number',
      (r: Registry) => r.registerBackend('x', () => fakeBackend(), { priority: NaN }),
      /priority must be a finite number, not NaN/,
    ],
    [
      'a priority given as a string',
      (r: Registry) => r.registerBackend('x', () => fakeBackend(), { priority: '1' as never }),
      /priority must be a finite number, not '1'/,
    ],
    [
      'an isAvailable that is not a function',
      (r: Registry) => r.registerBackend('x', () => fakeBackend(), { isAvailable: true as never }),
      /isAvailable must be a function/,
    ],
    [
      'a misspelt option',
      (r: Registry) => r.registerBackend('x', () => fakeBackend(), { priorty: 1 } as never),
      /registerBackend: unknown option 'priorty' \(did you mean 'priority'\?\)/,
    ],
  ])('refuses %s', async (_what, call, message) => {
    const r = await freshRegistry();
    expect(() => call(r)).toThrow(message);
    expect(r.listBackends()).toEqual([]);
  });

  it('refuses a backend of another spec version, naming both versions', async () => {
    const r = await freshRegistry();
    r.registerBackend('old', () => fakeBackend('old', { specVersion: 1 }));
    expect(() => r.backendFor('old')).toThrow(
      `Backend 'old' implements spec version 1, but this @graft/core expects ${BACKEND_SPEC_VERSION}`,
    );
  });

  it('refuses a backend without a required kernel or storage method, naming each; optional kernels may be missing', async () => {
    const r = await freshRegistry();
    const lacking = fakeBackend('lacking');
    for (const k of ['matmul', 'readSync'] as const) delete (lacking as unknown as Record<string, unknown>)[k];
    r.registerBackend('lacking', () => lacking);
    expect(() => r.backendFor('lacking')).toThrow(/Backend 'lacking' lacks 'readSync', 'matmul', required by the Backend spec/);
    const minimal = fakeBackend('minimal');
    const optional = KERNEL_NAMES.filter((k) => KERNELS[k].optional);
    expect(optional).toEqual([
      'inverse',
      'slogdet',
      'softmax',
      'fmod',
      'scatterReduce',
      'sort',
      'put',
      'thresholdBackward',
      'tanhBackward',
      'adamStep',
      'sgdStep',
      'lstmCell',
      'lstmCellBackward',
      'lstmSequence',
      'lstmSequenceBackward',
      'gruCell',
      'gruCellBackward',
      'conv2d',
      'activation',
    ]);
    for (const k of optional) delete (minimal as unknown as Record<string, unknown>)[k];
    r.registerBackend('minimal', () => minimal);
    expect(r.backendFor('minimal').name).toBe('minimal');
  });
});

/**
 * Calls kernel K with arguments whose result has about n² elements. Every
 * kernel of the spec is here (checked below), so the guard and the debug log
 * are tested on each.
 */
const KERNEL_CALLS: { [K in KernelName]: (b: Backend, n: number) => unknown } = {
  fill: (b, n) => b.fill(n * n, 0, 'float32'),
  contiguous: (b, n) => b.contiguous(view([n, n])),
  assign: (b, n) => b.assign(view([n, n]), view([n, n])),
  cast: (b, n) => b.cast(view([n, n]), 'float64'),
  unary: (b, n) => b.unary('neg', view([n, n]), 'float32'),
  binary: (b, n) => b.binary('add', view([n, n]), 1, [n, n], 'float32'),
  where: (b, n) => b.where(view([n, n], 'bool'), 0, 1, [n, n], 'float32'),
  reduce: (b, n) => b.reduce('sum', view([n, n, 2]), [2]),
  argReduce: (b, n) => b.argReduce('argmax', view([n, n, 2]), 2),
  cumulative: (b, n) => b.cumulative('cumsum', view([n, n]), 0, 'float32'),
  matmul: (b, n) => b.matmul(view([n, 1]), view([1, n])),
  concat: (b, n) => b.concat([view([n / 2, n]), view([n / 2, n])], 0),
  pad: (b, n) =>
    b.pad(
      view([1, 1]),
      [
        [0, n - 1],
        [0, n - 1],
      ],
      0,
    ),
  gather: (b, n) => b.gather(view([1]), 0, view([n, n], 'int32')),
  scatterAdd: (b, n) => b.scatterAdd([n, n], 0, view([1], 'int32'), view([1])),
  inverse: (b, n) => b.inverse!(view([n * n, 1, 1])),
  slogdet: (b, n) => b.slogdet!(view([n, n, 1, 1])),
  softmax: (b, n) => b.softmax!(view([n, n]), 1, false),
  fmod: (b, n) => b.fmod!(view([n, n]), view([n, n]), [n, n], 'float32'),
  scatterReduce: (b, n) => b.scatterReduce!('amax', view([n, n]), 0, view([1], 'int32'), view([1]), true),
  sort: (b, n) => b.sort!(view([n, n]), 1, false, false),
  put: (b, n) => b.put!(view([n, n]), view([n], 'int32'), view([n]), false),
  thresholdBackward: (b, n) => b.thresholdBackward!(view([n, n]), view([n, n]), 0),
  tanhBackward: (b, n) => b.tanhBackward!(view([n, n]), view([n, n])),
  adamStep: (b, n) =>
    b.adamStep!(view([n, n]), view([n, n]), view([n, n]), view([n, n]), null, {
      lr: 1,
      beta1: 0.9,
      beta2: 0.99,
      eps: 1e-8,
      weightDecay: 0,
      amsgrad: false,
      maximize: false,
      decoupled: false,
      step: 1,
      first: true,
    }),
  sgdStep: (b, n) =>
    b.sgdStep!(view([n, n]), view([n, n]), null, {
      lr: 1,
      momentum: 0,
      dampening: 0,
      weightDecay: 0,
      nesterov: false,
      maximize: false,
      first: true,
    }),
  lstmCell: (b, n) => b.lstmCell!(view([n, n]), view([n, n]), view([n, n / 4])),
  lstmCellBackward: (b, n) => b.lstmCellBackward!(view([n, n / 4]), null, view([n, n / 4]), view([n, n / 4]), view([n, n])),
  lstmSequence: (b, n) => b.lstmSequence!(view([1, n, n]), view([n, n / 4]), view([n, n / 4]), view([n, n / 4]), false),
  lstmSequenceBackward: (b, n) =>
    b.lstmSequenceBackward!(null, null, null, view([n, n / 4]), view([n, n / 4]), view([1, n, n / 4]), view([1, n, n]), false),
  gruCell: (b, n) => b.gruCell!(view([n, (3 * n) / 4]), view([n, (3 * n) / 4]), view([n, n / 4])),
  gruCellBackward: (b, n) => b.gruCellBackward!(view([n, n / 4]), view([n, n / 4]), view([n, n])),
  conv2d: (b, n) =>
    b.conv2d!('forward', view([1, 1, n, n]), view([1, 1, 1, 1]), {
      input: [1, 1, n, n],
      weight: [1, 1, 1, 1],
      output: [1, 1, n, n],
      stride: [1, 1],
      padding: [0, 0, 0, 0],
      dilation: [1, 1],
      groups: 1,
    }),
  activation: (b, n) => b.activation!({ kind: 'hardtanh', min: -1, max: 1 }, view([n, n]), null),
};

function view(shape: number[], dtype: View['dtype'] = 'float32'): View {
  return { handle: {}, dtype, shape, strides: contiguousStrides(shape), offset: 0 };
}

describe('the allocation guard and the debug log cover every kernel of the spec', () => {
  it('the table above lists every kernel', () => {
    expect(Object.keys(KERNEL_CALLS).sort()).toEqual([...KERNEL_NAMES].sort());
  });

  // assign, put and the optimizer updates write into existing handles: nothing to allocate.
  const writesInPlace = new Set<KernelName>(['assign', 'put', 'adamStep', 'sgdStep']);
  it.each(KERNEL_NAMES.filter((k) => !writesInPlace.has(k)))(
    '%s: a result over the per-tensor limit is refused before the kernel runs',
    async (kernel) => {
      const r = await freshRegistry();
      const fake = fakeBackend('big');
      r.registerBackend('big', () => fake);
      const backend = r.backendFor('big');
      expect(() => KERNEL_CALLS[kernel](backend, 65536)).toThrow(/cannot allocate \d+ bytes \(shape \[[\d, ]*\], \w+\) on 'big'/);
      expect(fake.calls).not.toContain(kernel);
      KERNEL_CALLS[kernel](backend, 2); // a small one goes through
      expect(fake.calls).toContain(kernel);
    },
  );

  it('GRAFT_DEBUG=1 logs a call of each kernel, with its device', async () => {
    (globalThis as { GRAFT_DEBUG?: unknown }).GRAFT_DEBUG = 1;
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const r = await freshRegistry();
    r.registerBackend('logged', () => fakeBackend('logged'));
    const backend = r.backendFor('logged');
    for (const kernel of KERNEL_NAMES) {
      log.mockClear();
      KERNEL_CALLS[kernel](backend, 2);
      expect(
        log.mock.calls.map((c) => String(c[0])).filter((line) => line.startsWith(`[graft:logged] ${kernel}(`)),
        kernel,
      ).toHaveLength(1);
    }
  });
});
