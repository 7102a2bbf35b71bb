/**
 * `@graft/testing`: the backend conformance suite. Every backend package
 * runs it; expected values come from PyTorch fixtures or are worked out by
 * hand and from identities. It also exports the helpers the suite is built
 * of (assertions, the PyTorch fixtures, the random-graph generator,
 * interpreter and checks) for a backend's own tests.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { runConformanceSuite } from '@graft/testing';
 * import '@graft/backend-cpu';
 * runConformanceSuite({ describe, it }, { device: 'cpu' });
 *
 * @module @graft/testing
 */
import type { DType } from '@graft/core';
import * as g from '@graft/core';
import { assertClose, assertEqual, fail, type Tolerance } from './assert.js';
import { makeTensor, opCaseFiles, printingCases, randomCases } from './fixtures.js';
import { autogradCases } from './autograd-cases.js';
import { contractionChecks } from './contraction-cases.js';
import { engineCases } from './engine-cases.js';
import { customFunctionCases } from './custom-function-cases.js';
import { graphPruningCases } from './graph-pruning-cases.js';
import { gradAssignmentCases } from './grad-assignment-cases.js';
import { gradOwnershipCases } from './grad-ownership-cases.js';
import { autogradArgumentsCases } from './autograd-arguments-cases.js';
import { memoryCases } from './memory-cases.js';
import { memorySafetyCases } from './memory-safety-cases.js';
import { opLeakCases } from './op-leak-cases.js';
import { constructionOpCases } from './construction-cases.js';
import { handWorkedCases } from './hand-cases.js';
import { elementwiseCases } from './elementwise-cases.js';
import { checkForward, checkGradients, checkSkipList, type RunContext, runsOn, skipReason } from './op-runner.js';
import { optionsCases } from './options-cases.js';
import { semanticsCases, type UnaryGridTolerance } from './semantics-cases.js';
import { inferenceCases } from './inference-cases.js';
import { indexingCases } from './indexing-cases.js';
import { linalgSuiteCases } from './linalg-cases.js';
import { specCases } from './spec-cases.js';
import { samplingCasesSuite } from './sampling-cases.js';
import { rangeCasesSuite } from './range-cases.js';
import { sortingHandCases } from './sorting-cases.js';
import { fusedCases } from './fused-cases.js';

export { assertClose, assertEqual, assertTensor, assertThrows, type Tolerance } from './assert.js';
export {
  opCases,
  semanticCases,
  sortingCases,
  contractionCases,
  opCaseFiles,
  allOpCases,
  indexingOpCases,
  linalgCases,
  unaryGridCases,
  doubleBackwardCases,
  printingCases,
  randomCases,
  samplingCases,
  largeSamplingCases,
  graphCases,
  makeTensor,
  decodeData,
} from './fixtures.js';
export { optionsTable, type OptionsEntry } from './options-cases.js';
export { assertUnaryGrid, type UnaryGridTolerance } from './semantics-cases.js';
export type { UnaryGridCase, DoubleBackwardCase, SamplingCase, SamplingStep, LargeSamplingCase } from './fixtures.js';
export { runSamplingCase } from './sampling-cases.js';
export { indexingCases, type IndexingContext, INDEXING_SECOND_ORDER_CASES, INDEXING_FORWARD_CASES } from './indexing-cases.js';
export { checkForward, checkGradients, type RunContext } from './op-runner.js';

/** The test-runner functions the suite needs (vitest's, or any compatible). */
export interface TestApi {
  /** Groups the tests `fn` registers under `name`. */
  describe(name: string, fn: () => void): void;
  /** Registers one test. */
  it(name: string, fn: () => void | Promise<void>): void;
}

/** What `runConformanceSuite` tests, and how strictly: the device, a second device, tolerances, skips. */
export interface ConformanceOptions {
  /** The device under test. */
  device: string;
  /** A second device for mixed-device errors (e.g. another instance of the same backend). */
  otherDevice?: string;
  /** Tolerance for float32 values (default atol 1e-5, rtol 1e-4). */
  float32?: Tolerance;
  /** Tolerance for float64 values and gradients (default atol 1e-9, rtol 1e-7). */
  float64?: Tolerance;
  /** Ops (or fixture cases, by name) skipped on this backend, each with the reason. */
  skip?: Record<string, string>;
  /**
   * Scales the long engine cases (the 100 000-op chain, the 1 000-step loop). A
   * backend whose every op is a GPU dispatch passes e.g. 0.01; 1 by default.
   */
  engineScale?: number;
  /**
   * Scales the rounds of the long randomized properties (150 rounds of
   * hostile shapes, 150 random view chains, 40 draws of repeated indices),
   * keeping rounds spread over the whole range. A backend whose synchronous
   * reads are replayed (each read runs the test again from its start, so
   * such a test costs the square of its reads) passes e.g. 0.1; 1 by default.
   */
  propertyScale?: number;
  /**
   * How close unary ops must come to PyTorch on the grid of extreme inputs
   * (default: 2 float32 ulps, 2 float64 ulps; saturated, infinite and zero
   * results always exactly). A GPU backend may loosen it and skip inputs it
   * cannot evaluate (each skip with its reason).
   */
  unaryGrid?: UnaryGridTolerance;
}

/**
 * Registers the conformance tests for one device, with `t.describe` and
 * `t.it`. Throws at once when `options.skip` names neither an op nor a
 * fixture case (a stale skip must not skip nothing silently).
 *
 * @example
 * import { describe, it } from 'vitest';
 * import '@graft/backend-cpu';
 * runConformanceSuite({ describe, it }, { device: 'mine', otherDevice: 'cpu' });
 */
export function runConformanceSuite(t: TestApi, options: ConformanceOptions): void {
  const device = options.device;
  const f32 = options.float32 ?? { atol: 1e-5, rtol: 1e-4 };
  const f64 = options.float64 ?? { atol: 1e-9, rtol: 1e-7 };
  const skip = options.skip ?? {};
  checkSkipList(skip);
  const inDevice = <T>(fn: () => T): T => {
    const previous = g.currentDevice(); // the device's name (a backend's own name may differ: 'cpu-other' is a CpuBackend)
    g.setBackend(device);
    try {
      return fn();
    } finally {
      g.setBackend(previous);
    }
  };
  const supportsFloat64 = inDevice(() => g.getBackend().supportsFloat64);

  const run: RunContext = { device, supportsFloat64, float32: f32, float64: f64 };
  for (const { title, cases } of opCaseFiles) {
    t.describe(`conformance on '${device}': ${title}`, () => {
      for (const c of cases) {
        if (skipReason(c, skip) !== undefined || !runsOn(c, supportsFloat64)) continue;
        t.it(`${c.name}`, () => inDevice(() => checkForward(c, run)));
      }
    });
    t.describe(`conformance on '${device}': ${title}: gradients (float64)`, () => {
      for (const c of cases) {
        const float64Only = c.kwargs['dtype'] === 'float64' || c.needsFloat64 === true;
        if (c.grads === undefined || skipReason(c, skip) !== undefined || (!supportsFloat64 && float64Only)) continue;
        t.it(`${c.name} backward`, () => inDevice(() => checkGradients(c, run)));
      }
    });
  }

  t.describe(`conformance on '${device}': printing matches PyTorch character for character`, () => {
    for (const c of printingCases) {
      if (c.dtype === 'float64' && !supportsFloat64) continue;
      t.it(`repr ${c.name}: ${c.dtype} [${c.shape.join(', ')}]${c.requiresGrad ? ' requires_grad' : ''}`, () =>
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
    }
  });

  t.describe(`conformance on '${device}': the seeded generator reproduces torch.manual_seed streams`, () => {
    for (const c of randomCases) {
      const dtype = (c.dtype ?? 'float32') as DType;
      if (dtype === 'float64' && !supportsFloat64) continue; // not registered: this device holds no float64
      t.it(c.name, () =>
        inDevice(() => {
          g.manualSeed(c.seed);
          let values: number[];
          switch (c.fn) {
            case 'randn':
              values = Array.from(g.randn(c.shape!, { dtype }).dataSync());
              break;
            case 'rand':
              values = Array.from(g.rand(c.shape!, { dtype }).dataSync());
              break;
            case 'randint':
              values = Array.from(g.randint(c.low!, c.high!, c.shape!).dataSync());
              break;
            case 'uniform_':
              values = Array.from(g.empty(c.shape!).uniform_(c.low!, c.high!).dataSync());
              break;
            case 'normal_':
              values = Array.from(g.empty(c.shape!).normal_(c.mean!, c.std!).dataSync());
              break;
            case 'randn-sequence':
              values = c.shapes!.flatMap((s) => Array.from(g.randn(s).dataSync()));
              break;
            default:
              fail(`unknown random fn ${c.fn}`);
          }
          // float32 transcendental functions may differ by an ulp from glibc's.
          assertClose(values, c.values, dtype === 'float64' ? { atol: 1e-12, rtol: 1e-12 } : { atol: 1e-6, rtol: 1e-6 }, `${c.fn} values`);
        }),
      );
    }
  });

  specCases(t, { device, inDevice });
  handWorkedCases(t, { device, otherDevice: options.otherDevice, inDevice, supportsFloat64 });
  elementwiseCases(t, { device, inDevice, supportsFloat64 });
  sortingHandCases(t, { device, inDevice });
  semanticsCases(t, { ...run, inDevice, skip, unaryGrid: options.unaryGrid ?? {} });
  opLeakCases(t, { ...run, inDevice, skip });
  optionsCases(t, { device, inDevice });
  autogradCases(t, { device, inDevice, supportsFloat64, engineScale: options.engineScale ?? 1 });
  constructionOpCases(t, { ...run, inDevice });
  contractionChecks(t, { device, inDevice, supportsFloat64 });
  engineCases(t, { device, inDevice, supportsFloat64, float32: f32 });
  customFunctionCases(t, { device, inDevice });
  graphPruningCases(t, { device, inDevice, supportsFloat64 });
  gradAssignmentCases(t, { device, otherDevice: options.otherDevice, inDevice, supportsFloat64 });
  gradOwnershipCases(t, { device, inDevice });
  autogradArgumentsCases(t, { device, inDevice });
  memoryCases(t, { device, inDevice });
  memorySafetyCases(t, { device, inDevice, supportsFloat64, propertyScale: options.propertyScale ?? 1 });
  inferenceCases(t, { device, inDevice });
  samplingCasesSuite(t, { device, inDevice, supportsFloat64 });
  rangeCasesSuite(t, { device, inDevice, supportsFloat64 });
  indexingCases(t, { device, inDevice, supportsFloat64, propertyScale: options.propertyScale ?? 1 });
  linalgSuiteCases(t, { device, inDevice, supportsFloat64 });
  fusedCases(t, { device, inDevice, supportsFloat64, float32: f32, float64: f64 });
}
export * from './graphs/index.js';
export { runConvKernelCases, type ConvKernelCaseOptions, type ConvLayerFixture } from './conv-kernel-cases.js';
