/** L-BFGS, as `torch.optim.LBFGS`. */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { describe, finiteNumber, integerAtLeast, oneOf, orNull, pytorchRange } from '../checks.js';
import { type ParamGroupInit, type Params, Optimizer } from '../optimizer.js';
import { type PyScalar, StateScalar, py, scalarDType } from '../scalar.js';
import { type OptimizerSpec, resolveOptions } from '../spec.js';
import { type LineSearchContext, strongWolfe } from './strong-wolfe.js';

/** Options of LBFGS (torch.optim.LBFGS's keyword arguments, camelCase; the values PyTorch's). */
export interface LBFGSOptions {
  /** The step length of each iteration (default 1; the first iteration's is scaled by the gradient). */
  lr: number;
  /** Iterations per `step()` (default 20). */
  maxIter: number;
  /** Evaluations of the closure per `step()` (default null: maxIter · 5 / 4, rounded down). */
  maxEval: number | null;
  /** Stop when every |gradient| is at most this (default 1e-7). */
  toleranceGrad: number;
  /** Stop when the loss or the step changes less than this (default 1e-9). */
  toleranceChange: number;
  /** How many updates the inverse-Hessian approximation remembers (default 100). */
  historySize: number;
  /** `'strong_wolfe'` (PyTorch's value, as PyTorch spells it) for a line search, or null (default) for fixed steps. */
  lineSearchFn: 'strong_wolfe' | null;
}

/** Required in a started state (one that has iterated); PyTorch's state before the first iteration holds only the counts. */
const started = (_group: unknown, entry: Readonly<Record<string, unknown>>) => entry['n_iter'] !== 0;

const spec: OptimizerSpec<LBFGSOptions> = {
  name: 'LBFGS',
  // In PyTorch's order (that of state_dict()['param_groups']). PyTorch 1.13 checks none of them.
  options: {
    lr: { default: 1, check: pytorchRange('learning rate', 0) },
    maxIter: { default: 20, check: integerAtLeast('maxIter', 1) },
    maxEval: { default: null, check: orNull(integerAtLeast('maxEval', 1)) },
    toleranceGrad: { default: 1e-7, check: finiteNumber('toleranceGrad') },
    toleranceChange: { default: 1e-9, check: finiteNumber('toleranceChange') },
    historySize: { default: 100, check: integerAtLeast('historySize', 1) },
    lineSearchFn: { default: null, check: orNull(oneOf(['strong_wolfe'] as const, () => "only 'strong_wolfe' is supported")) },
  },
  checkAll(o) {
    // PyTorch's default: max_iter * 5 // 4, fixed when the options are made.
    if (o.maxEval === null) o.maxEval = Math.floor((o.maxIter * 5) / 4);
  },
  // One global state, kept (as PyTorch does) under the first parameter, in PyTorch's names.
  state: {
    funcEvals: { kind: 'step', savedAs: 'number' },
    nIter: { kind: 'step', savedAs: 'number' },
    al: { kind: 'scalar', list: true, nullable: true, required: false },
    d: { kind: 'flat', required: started },
    t: { kind: 'scalar', orNumber: true, required: started },
    oldDirs: { kind: 'flat', list: true, required: started },
    oldStps: { kind: 'flat', list: true, required: started },
    ro: { kind: 'scalar', list: true, required: started },
    hDiag: { kind: 'scalar', orNumber: true, torchName: 'H_diag', required: started },
    prevFlatGrad: { kind: 'flat', required: started },
    prevLoss: { kind: 'number', required: started },
  },
  checkState(s, group, where) {
    const dirs = s['oldDirs'] as unknown[] | undefined;
    if (dirs === undefined) return;
    const lengths = ['oldStps', 'ro'].map((k) => (s[k] as unknown[]).length);
    if (lengths.some((n) => n !== dirs.length))
      throw new Error(`${where}old_dirs, old_stps and ro must be as long as each other, got ${[dirs.length, ...lengths].join(', ')}`);
    const historySize = group['historySize'] as number;
    if (dirs.length > historySize) throw new Error(`${where}old_dirs holds ${dirs.length} updates, more than history_size ${historySize}`);
    const al = s['al'] as unknown[] | undefined;
    if (al !== undefined && al.length !== historySize)
      throw new Error(`${where}al must have history_size (${historySize}) entries, got ${al.length}`);
  },
};

/**
 * L-BFGS, as `torch.optim.LBFGS`, heavily inspired by minFunc: PyTorch's
 * algorithm step for step, with its strong-Wolfe line search (cubic
 * interpolation) when `lineSearchFn: 'strong_wolfe'`. `step(closure)` needs
 * the closure, which clears the gradients, computes the loss, calls
 * `backward()` and returns the loss; one `step` runs up to `maxIter`
 * iterations and returns the first loss. As PyTorch, LBFGS takes one param
 * group, and keeps its whole state under the first parameter.
 *
 * @example
 * const opt = new LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * opt.step(() => {
 *   opt.zeroGrad();
 *   const loss = rosenbrock(x);
 *   loss.backward();
 *   return loss;
 * });
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: Params<LBFGSOptions>, options?: Partial<LBFGSOptions>) {
    super(params, resolveOptions(spec, options), spec);
  }

  /**
   * Only the first group: LBFGS does not support param groups (PyTorch's message).
   *
   * @example
   * new LBFGS([{ params: [w] }, { params: [b] }]); // throws
   */
  override addParamGroup(group: ParamGroupInit<LBFGSOptions>): void {
    if (this.paramGroups.length !== 0)
      throw new Error(`LBFGS param group ${this.paramGroups.length}: LBFGS doesn't support per-parameter options (parameter groups)`);
    super.addParamGroup(group);
  }

  protected update(): void {
    throw new Error('LBFGS.update: unreachable (LBFGS overrides step)');
  }

  /**
   * Up to `maxIter` L-BFGS iterations, re-evaluating the closure as PyTorch's
   * does; returns the closure's first loss.
   *
   * @example
   * const loss = opt.step(() => { opt.zeroGrad(); const l = model.call(x).sub(y).square().mean(); l.backward(); return l; });
   */
  override step(closure: () => Tensor): Tensor {
    if (typeof closure !== 'function') {
      throw new TypeError(
        `LBFGS.step: a closure is required (a function that clears the gradients, computes the loss, calls backward() and returns the loss), got ${describe(closure)}`,
      );
    }
    const params = this.paramGroups[0]!.params;
    let state = this.state.get(params[0]!);
    if (state === undefined) this.state.set(params[0]!, (state = {}));
    const before = tensorsIn(state);
    // Every tensor this step makes lives until it ends; those the new state holds are kept, the rest freed.
    const made = new Set<Tensor>();
    const own = (t: Tensor): Tensor => {
      made.add(g.keep(t));
      return t;
    };
    try {
      return g.noGrad(() => this.iterate(closure, state, own));
    } finally {
      const now = tensorsIn(state);
      for (const t of [...made, ...before]) if (!now.has(t) && !t.isDisposed) t.dispose();
    }
  }

  /** PyTorch's `LBFGS.step`, line for line. */
  private iterate(closure: () => Tensor, state: Record<string, unknown>, own: (t: Tensor) => Tensor): Tensor {
    const group = this.paramGroups[0]!;
    const params = group.params;
    const { lr, maxIter, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const maxEval = group.maxEval ?? Math.floor((maxIter * 5) / 4);

    const evaluate = (): [Tensor, number] => {
      const out = g.enableGrad(closure);
      if (!(out instanceof g.Tensor) || out.numel() !== 1) {
        throw new TypeError(`LBFGS.step: the closure must return the loss as a one-element Tensor, got ${describe(out)}`);
      }
      return [out, Number(out.item())];
    };
    const gatherFlatGrad = (): Tensor =>
      own(
        g.tidy(() =>
          g.cat(params.map((p) => (p.grad === null ? g.zeros([p.numel()], { dtype: p.dtype, device: p.device }) : p.grad.reshape(-1)))),
        ),
      );
    const addGrad = (t: PyScalar, d: Tensor): void =>
      g.tidy(() => {
        let offset = 0;
        for (const p of params) {
          p.add_(d.narrow(0, offset, p.numel()).reshape(p.shape), { alpha: py.value(t) });
          offset += p.numel();
        }
      });

    state['funcEvals'] ??= 0;
    state['nIter'] ??= 0;
    // The initial f(x) and df/dx.
    const [origLoss, firstLoss] = evaluate();
    let loss = firstLoss;
    let currentEvals = 1;
    state['funcEvals'] = (state['funcEvals'] as number) + 1;
    let flatGrad = gatherFlatGrad();
    const dtype = scalarDType(flatGrad.dtype);
    const scalar = (f: () => number | boolean): StateScalar => new StateScalar(Number(g.tidy(f)), dtype);
    const ctx: LineSearchContext = {
      dot: (a, b) => scalar(() => a.dot(b).item()),
      absMax: (v) => scalar(() => v.abs().max().item()),
      copy: (v) => own(v.clone()),
      evaluate: (x, t, d) => {
        addGrad(t, d);
        const [, value] = evaluate();
        const grad = gatherFlatGrad();
        params.forEach((p, i) => p.copy_(x[i]!));
        return [value, grad];
      },
    };
    let optCond = py.le(ctx.absMax(flatGrad), toleranceGrad);
    if (optCond) return origLoss;

    // The state of earlier steps.
    let d = state['d'] as Tensor | undefined;
    let t = state['t'] as PyScalar | undefined;
    let oldDirs = state['oldDirs'] as Tensor[] | undefined;
    let oldStps = state['oldStps'] as Tensor[] | undefined;
    let ro = state['ro'] as PyScalar[] | undefined;
    let hDiag = state['hDiag'] as PyScalar | undefined;
    let prevFlatGrad = state['prevFlatGrad'] as Tensor | undefined;
    let prevLoss = state['prevLoss'] as number | undefined;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter += 1;
      state['nIter'] = (state['nIter'] as number) + 1;

      // The descent direction.
      if (state['nIter'] === 1) {
        d = own(flatGrad.neg());
        oldDirs = [];
        oldStps = [];
        ro = [];
        hDiag = 1;
      } else {
        // Update the memory.
        const y = own(flatGrad.sub(prevFlatGrad!));
        const s = own(d!.mul(py.value(t!)));
        const ys = ctx.dot(y, s);
        if (py.gt(ys, 1e-10)) {
          if (oldDirs!.length === historySize) {
            // Shift the history by one (limited memory).
            oldDirs!.shift();
            oldStps!.shift();
            ro!.shift();
          }
          oldDirs!.push(y);
          oldStps!.push(s);
          ro!.push(py.div(1, ys));
          // The scale of the initial Hessian approximation.
          hDiag = py.div(ys, ctx.dot(y, y));
        }
        // The approximate inverse Hessian times the gradient, the two loops sharing one buffer.
        const numOld = oldDirs!.length;
        if (!('al' in state)) state['al'] = new Array<PyScalar | null>(historySize).fill(null);
        const al = state['al'] as PyScalar[];
        const q = own(flatGrad.neg());
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = py.mul(ctx.dot(oldStps![i]!, q), ro![i]!);
          g.tidy(() => q.add_(oldDirs![i]!, { alpha: -py.value(al[i]!) }));
        }
        // Times the initial Hessian: r (= d) is the direction.
        const r = own(q.mul(py.value(hDiag!)));
        d = r;
        for (let i = 0; i < numOld; i++) {
          const be = py.mul(ctx.dot(oldDirs![i]!, r), ro![i]!);
          g.tidy(() => r.add_(oldStps![i]!, { alpha: py.value(py.sub(al[i]!, be)) }));
        }
      }
      if (prevFlatGrad === undefined) prevFlatGrad = own(flatGrad.clone());
      else prevFlatGrad.copy_(flatGrad);
      prevLoss = loss;

      // The step length: the first iteration's guess is scaled by the gradient.
      t =
        state['nIter'] === 1
          ? py.mul(
              py.min(
                1,
                py.div(
                  1,
                  scalar(() => flatGrad.abs().sum().item()),
                ),
              ),
              lr,
            )
          : lr;
      // The directional derivative; below the tolerance, stop.
      const gtd = ctx.dot(flatGrad, d);
      if (py.gt(gtd, -toleranceChange)) break;

      let lsFuncEvals = 0;
      if (lineSearchFn !== null) {
        const xInit = params.map((p) => own(p.clone()));
        [loss, flatGrad, t, lsFuncEvals] = strongWolfe(ctx, xInit, t, d, loss, flatGrad, gtd);
        addGrad(t, d);
        optCond = py.le(ctx.absMax(flatGrad), toleranceGrad);
      } else {
        // A fixed step; the function is re-evaluated except in the last iteration (no use in a stochastic setting).
        addGrad(t, d);
        if (nIter !== maxIter) {
          [, loss] = evaluate();
          flatGrad = gatherFlatGrad();
          optCond = py.le(ctx.absMax(flatGrad), toleranceGrad);
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state['funcEvals'] = (state['funcEvals'] as number) + lsFuncEvals;

      // The stopping conditions.
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      const step = t;
      const direction = d;
      if (
        py.le(
          scalar(() => direction.mul(py.value(step)).abs().max().item()),
          toleranceChange,
        )
      )
        break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    state['d'] = d;
    state['t'] = t;
    state['oldDirs'] = oldDirs;
    state['oldStps'] = oldStps;
    state['ro'] = ro;
    state['hDiag'] = hDiag;
    state['prevFlatGrad'] = prevFlatGrad;
    state['prevLoss'] = prevLoss;
    return origLoss;
  }
}

/** The tensors a state holds, those in lists included. */
function tensorsIn(state: Record<string, unknown>): Set<Tensor> {
  const out = new Set<Tensor>();
  for (const v of Object.values(state)) {
    if (v instanceof g.Tensor) out.add(v);
    else if (Array.isArray(v)) for (const x of v) if (x instanceof g.Tensor) out.add(x);
  }
  return out;
}
