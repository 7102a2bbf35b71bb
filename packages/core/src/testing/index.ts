/**
 * `@graft/core/testing`: the backend conformance suite. Every backend package
 * runs it; expected values come from PyTorch fixtures or are worked out by
 * hand and from identities.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { runConformanceSuite } from '@graft/core/testing';
 * import '@graft/backend-cpu';
 * runConformanceSuite({ describe, it }, { device: 'cpu' });
 */
import type { DType } from '../dtype.js';
import * as g from '../index.js';
import type { Tensor } from '../tensor.js';
import { assertClose, assertEqual, assertTensor, fail, type Tolerance } from './assert.js';
import { applyViews, decodeData, decodeNumber, makeTensor, type EncodedArg, type OpCase, opCases, printingCases, randomCases } from './fixtures.js';
import { autogradCases } from './autograd-cases.js';
import { handWorkedCases } from './hand-cases.js';
import { inferenceCases } from './inference-cases.js';

export { assertClose, assertEqual, assertTensor, assertThrows, type Tolerance } from './assert.js';
export { opCases, printingCases, randomCases, makeTensor, decodeData } from './fixtures.js';

/** The test-runner functions the suite needs (vitest's, or any compatible). */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => void | Promise<void>): void;
}

export interface ConformanceOptions {
  /** The device under test. */
  device: string;
  /** A second device for mixed-device errors (e.g. another instance of the same backend). */
  otherDevice?: string;
  /** Tolerance for float32 values (default atol 1e-5, rtol 1e-4). */
  float32?: Tolerance;
  /** Tolerance for float64 values and gradients (default atol 1e-9, rtol 1e-7). */
  float64?: Tolerance;
  /** Ops skipped on this backend, each with the reason (printed by the runner as a test name). */
  skip?: Record<string, string>;
  /**
   * Scales the long engine cases (the 100 000-op chain, the 1 000-step loop). A
   * backend whose every op is a GPU dispatch passes e.g. 0.01; 1 by default.
   */
  engineScale?: number;
}

/** Whether a fixture case has float64 inputs or outputs (skipped where the device has no float64). */
function usesFloat64(c: OpCase): boolean {
  const inArgs = (args: readonly EncodedArg[]): boolean => args.some((a) => ('tensor' in a && a.tensor.dtype === 'float64') || ('list' in a && inArgs(a.list)));
  return inArgs(c.args) || (c.outputs ?? []).some((o) => o.dtype === 'float64');
}

/** Call a fixture op by name: `g[op](...args, kwargs?)`, with the few renames there are. */
function callOp(c: OpCase, args: unknown[]): Tensor[] {
  const kw = Object.keys(c.kwargs).length !== 0 ? [c.kwargs] : [];
  const lib = g as unknown as Record<string, (...a: unknown[]) => unknown>;
  let out: unknown;
  if (c.op === 'max_dim' || c.op === 'min_dim') {
    const r = lib[c.op.slice(0, 3)]!(...args) as g.ValuesIndices;
    out = [r.values, r.indices];
  } else {
    const fn = lib[c.op];
    if (fn === undefined) fail(`op ${c.op} is not exported by @graft/core`);
    out = fn(...args, ...kw);
  }
  return Array.isArray(out) ? (out as Tensor[]) : [out as Tensor];
}

function buildArgs(args: readonly EncodedArg[], device: string, leaves: Tensor[], floatDtype?: DType): unknown[] {
  return args.map((a) => {
    if ('tensor' in a) {
      const isFloat = a.tensor.dtype === 'float32' || a.tensor.dtype === 'float64';
      const leaf = makeTensor(a.tensor, device, isFloat ? floatDtype : undefined);
      if (floatDtype !== undefined && isFloat) leaf.requiresGrad_(true);
      leaves.push(leaf);
      return applyViews(leaf, a.views);
    }
    if ('list' in a) return buildArgs(a.list, device, leaves, floatDtype);
    const v = a.value;
    if (typeof v === 'string') return decodeNumber(v);
    return v;
  });
}

/**
 * Registers the conformance tests for one device.
 */
export function runConformanceSuite(t: TestApi, options: ConformanceOptions): void {
  const device = options.device;
  const f32 = options.float32 ?? { atol: 1e-5, rtol: 1e-4 };
  const f64 = options.float64 ?? { atol: 1e-9, rtol: 1e-7 };
  const skip = options.skip ?? {};
  const inDevice = <T>(fn: () => T): T => {
    const previous = g.getBackend().name;
    g.setBackend(device);
    try {
      return fn();
    } finally {
      g.setBackend(previous);
    }
  };
  const supportsFloat64 = inDevice(() => g.getBackend().supportsFloat64);

  t.describe(`conformance on '${device}': ops against PyTorch`, () => {
    for (const c of opCases) {
      if (skip[c.op] !== undefined || (!supportsFloat64 && usesFloat64(c))) continue;
      t.it(`${c.name}`, () =>
        inDevice(() => {
          const leaves: Tensor[] = [];
          if (c.error !== undefined) {
            let threw = false;
            try {
              callOp(c, buildArgs(c.args, device, leaves));
            } catch {
              threw = true;
            }
            if (!threw) fail(`${c.name}: PyTorch raised "${c.error}" but Graft returned a result`);
            return;
          }
          const outs = callOp(c, buildArgs(c.args, device, leaves));
          assertEqual(outs.length, c.outputs!.length, `${c.name}: number of outputs`);
          outs.forEach((o, i) => {
            const tol = o.dtype === 'float64' ? f64 : f32;
            assertTensor(o, { ...c.outputs![i]!, data: decodeData(c.outputs![i]!) }, tol, `${c.name} output ${i}`);
          });
        }),
      );
    }
  });

  t.describe(`conformance on '${device}': gradients against PyTorch (float64)`, () => {
    for (const c of opCases) {
      if (c.grads === undefined || skip[c.op] !== undefined) continue;
      t.it(`${c.name} backward`, () =>
        inDevice(() => {
          const floatDtype: DType = supportsFloat64 ? 'float64' : 'float32';
          const tol = supportsFloat64 ? f64 : { atol: 1e-3, rtol: 1e-3 };
          const leaves: Tensor[] = [];
          const outs = callOp(c, buildArgs(c.args, device, leaves, floatDtype));
          const diff = outs.filter((o) => o.requiresGrad);
          const floatLeaves = leaves.filter((l) => l.requiresGrad);
          const gradOutputs = c.gradOutputs!.map((e) => makeTensor(e, device, floatDtype));
          const grads = g.autograd.grad(diff, floatLeaves, { gradOutputs, allowUnused: true });
          grads.forEach((gr, i) => {
            const expected = c.grads![i];
            if (expected === null || expected === undefined) {
              if (gr !== null && gr.abs().sum().item() !== 0) fail(`${c.name}: input ${i} should get no gradient`);
              return;
            }
            if (gr === null) {
              if (decodeData(expected).some((v) => v !== 0)) fail(`${c.name}: input ${i} got no gradient`);
              return;
            }
            assertTensor(gr, { ...expected, dtype: floatDtype, data: decodeData(expected) }, tol, `${c.name} grad ${i}`);
          });
        }),
      );
    }
  });

  t.describe(`conformance on '${device}': printing matches PyTorch character for character`, () => {
    printingCases.forEach((c, i) => {
      if (c.dtype === 'float64' && !supportsFloat64) return;
      t.it(`repr ${i}: ${c.dtype} [${c.shape.join(', ')}]${c.requiresGrad ? ' requires_grad' : ''}`, () =>
        inDevice(() => {
          const x = makeTensor(c, device);
          if (c.requiresGrad) x.requiresGrad_(true);
          if (device === 'cpu') assertEqual(String(x), c.text, 'repr');
          else {
            // Values print the same after a move to the CPU; here they carry a device suffix.
            const onCpu = x.detach().to('cpu');
            if (c.requiresGrad) onCpu.requiresGrad_(true);
            assertEqual(String(onCpu), c.text, 'repr');
            if (!String(x).includes(`device='${device}'`)) fail(`repr on ${device} lacks device='${device}'`);
          }
        }),
      );
    });
  });

  t.describe(`conformance on '${device}': the seeded generator reproduces torch.manual_seed streams`, () => {
    randomCases.forEach((c, i) => {
      const dtype = (c.dtype ?? 'float32') as DType;
      if (dtype === 'float64' && !supportsFloat64) return; // not registered: this device holds no float64
      t.it(`${c.fn} ${i} (seed ${c.seed})`, () =>
        inDevice(() => {
          g.manualSeed(c.seed);
          let values: number[];
          switch (c.fn) {
            case 'randn': values = Array.from(g.randn(c.shape!, { dtype }).dataSync()); break;
            case 'rand': values = Array.from(g.rand(c.shape!, { dtype }).dataSync()); break;
            case 'randint': values = Array.from(g.randint(c.low!, c.high!, c.shape!).dataSync()); break;
            case 'uniform_': values = Array.from(g.empty(c.shape!).uniform_(c.low!, c.high!).dataSync()); break;
            case 'normal_': values = Array.from(g.empty(c.shape!).normal_(c.mean!, c.std!).dataSync()); break;
            case 'randn-sequence': values = c.shapes!.flatMap((s) => Array.from(g.randn(s).dataSync())); break;
            default: fail(`unknown random fn ${c.fn}`);
          }
          // float32 transcendental functions may differ by an ulp from glibc's.
          assertClose(values, c.values, dtype === 'float64' ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-6, rtol: 1e-6 }, `${c.fn} values`);
        }),
      );
    });
  });

  handWorkedCases(t, { device, otherDevice: options.otherDevice, inDevice, supportsFloat64 });
  autogradCases(t, { device, inDevice, supportsFloat64, engineScale: options.engineScale ?? 1 });
  inferenceCases(t, { device, inDevice });
}
