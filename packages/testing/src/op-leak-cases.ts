/**
 * Leak checks over the whole fixture table: every op leaves behind exactly its
 * outputs — no intermediate of a composite (on a GPU, each is a texture) —
 * and after backward, nothing but the gradients; on error paths, nothing.
 */
import type { DType, Tensor } from '@graft/core';
import * as g from '@graft/core';
import { fail } from './assert.js';
import { allOpCases, makeTensor, type OpCase } from './fixtures.js';
import { buildArgs, buildKwargs, callOp, exceedsInt32, type RunContext, runsOn, skipReason } from './op-runner.js';
import type { TestApi } from './index.js';

interface Context extends RunContext {
  inDevice<T>(fn: () => T): T;
  skip: Record<string, string>;
}

function live(): number {
  return g.memory().numTensors;
}

/**
 * Runs the forward pass; returns its outputs, or none when it throws, as error
 * cases should (on a GPU the error may come with the first read: the outputs
 * the op returned are then the caller's to dispose, as a user's would be).
 */
function forward(c: OpCase, args: unknown[], kwargs: Record<string, unknown>): Tensor[] {
  let outs: Tensor[] = [];
  try {
    outs = callOp(c, args, kwargs);
    for (const o of outs) o.dataSync(); // settles device-side checks, as a user's read would
    return outs;
  } catch (e) {
    if (c.error === undefined && !exceedsInt32(c)) throw e;
    for (const o of new Set(outs)) o.dispose();
    return [];
  }
}

export function opLeakCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  t.describe(`conformance on '${ctx.device}': every op leaves only its outputs alive (memory().numTensors), forward and backward`, () => {
    for (const c of allOpCases) {
      if (skipReason(c, ctx.skip) !== undefined || !runsOn(c, ctx.supportsFloat64)) continue;
      it(`${c.name}: forward`, () => {
        const leaves: Tensor[] = [];
        const args = buildArgs(c.args, ctx.device, leaves);
        const kwargs = buildKwargs(c.kwargs, ctx.device, leaves);
        const before = live();
        const outs = forward(c, args, kwargs);
        // An in-place op returns its input: only the tensors it made count.
        const made = new Set(outs.filter((o) => !args.includes(o)));
        const distinct = made.size;
        const after = live();
        if (after !== before + distinct) {
          fail(
            `${c.name}: ${after - before} tensors are alive after the op, but it returned ${distinct} (a composite op left intermediates behind)`,
          );
        }
        for (const o of made) o.dispose();
        if (live() !== before) fail(`${c.name}: disposing the outputs left ${live() - before} tensors alive`);
        for (const l of leaves) l.dispose();
      });
      if (c.grads === undefined) continue;
      it(`${c.name}: forward and backward`, () => {
        const floatDtype: DType = ctx.supportsFloat64 ? 'float64' : 'float32';
        const leaves: Tensor[] = [];
        const args = buildArgs(c.args, ctx.device, leaves, floatDtype);
        const kwargs = buildKwargs(c.kwargs, ctx.device, leaves);
        const gradOutputs = c.gradOutputs!.map((e) => makeTensor(e, ctx.device, floatDtype));
        const before = live();
        const outs = callOp(c, args, kwargs);
        const diff = outs.filter((o) => o.requiresGrad);
        const grads = g.autograd.grad(
          diff,
          leaves.filter((l) => l.requiresGrad),
          { gradOutputs, allowUnused: true },
        );
        for (const o of new Set(outs)) o.dispose();
        for (const gr of grads) gr?.dispose();
        if (live() !== before)
          fail(`${c.name}: ${live() - before} tensors are still alive after backward, with the outputs and gradients disposed`);
        for (const l of [...leaves, ...gradOutputs]) l.dispose();
      });
    }
  });
}
