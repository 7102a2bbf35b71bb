/**
 * LBFGS's line search: PyTorch's `_strong_wolfe` and `_cubic_interpolate`
 * (torch/optim/lbfgs.py, themselves ported from torch7's lswolfe.lua and
 * polyinterp.lua), line for line. Step lengths, slopes and bracket points
 * are Python floats or 0-d tensors exactly where PyTorch's are
 * ({@link PyScalar}), so every comparison and interpolation rounds as
 * PyTorch's does.
 */
import type { Tensor } from '@graft/core';
import { type PyScalar, py } from '../scalar.js';

/** What the line search needs from LBFGS: its evaluation, and reductions read to the host. */
export interface LineSearchContext {
  /** Evaluates the loss and flat gradient at x + t·d, then puts the parameters back to x. */
  evaluate(x: readonly Tensor[], t: PyScalar, d: Tensor): [loss: number, flatGrad: Tensor];
  /** `a · b` as a 0-d tensor of the flat dtype. */
  dot(a: Tensor, b: Tensor): PyScalar;
  /** `max |v|` as a 0-d tensor of the flat dtype. */
  absMax(v: Tensor): PyScalar;
  /** A copy of `v` that lives until the LBFGS step ends. */
  copy(v: Tensor): Tensor;
}

/**
 * The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1
 * and g2, clamped to `bounds` (default: between x1 and x2); their midpoint
 * when the cubic has no minimum.
 */
export function cubicInterpolate(
  x1: PyScalar,
  f1: PyScalar,
  g1: PyScalar,
  x2: PyScalar,
  f2: PyScalar,
  g2: PyScalar,
  bounds?: [PyScalar, PyScalar],
): PyScalar {
  const [xminBound, xmaxBound] = bounds ?? (py.le(x1, x2) ? [x1, x2] : [x2, x1]);
  // d1 = g1 + g2 - 3 (f1 - f2) / (x1 - x2); d2 = sqrt(d1² - g1 g2)
  const d1 = py.sub(py.add(g1, g2), py.div(py.mul(3, py.sub(f1, f2)), py.sub(x1, x2)));
  const d2Square = py.sub(py.mul(d1, d1), py.mul(g1, g2));
  if (py.ge(d2Square, 0)) {
    const d2 = py.sqrt(d2Square);
    const minPos = py.le(x1, x2)
      ? py.sub(x2, py.mul(py.sub(x2, x1), py.div(py.sub(py.add(g2, d2), d1), py.add(py.sub(g2, g1), py.mul(2, d2)))))
      : py.sub(x1, py.mul(py.sub(x1, x2), py.div(py.sub(py.add(g1, d2), d1), py.add(py.sub(g1, g2), py.mul(2, d2)))));
    return py.min(py.max(minPos, xminBound), xmaxBound);
  }
  return py.div(py.add(xminBound, xmaxBound), 2);
}

/**
 * A step length along `d` satisfying the strong Wolfe conditions (sufficient
 * decrease `c1`, curvature `c2`), from the initial guess `t`: a bracketing
 * phase, then a zoom by cubic interpolation, at most `maxLs` evaluations.
 * Returns the loss, flat gradient and step length of the point chosen, and
 * how many times it evaluated.
 */
export function strongWolfe(
  ctx: LineSearchContext,
  x: readonly Tensor[],
  t: PyScalar,
  d: Tensor,
  f: number,
  grad: Tensor,
  gtd: PyScalar,
  c1 = 1e-4,
  c2 = 0.9,
  toleranceChange = 1e-9,
  maxLs = 25,
): [loss: number, flatGrad: Tensor, t: PyScalar, evaluations: number] {
  const dNorm = ctx.absMax(d);
  const g0 = ctx.copy(grad);
  // The objective and gradient at the initial step.
  let [fNew, gNew] = ctx.evaluate(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew = ctx.dot(gNew, d);

  // Bracket an interval containing a point satisfying the Wolfe criteria.
  let [tPrev, fPrev, gPrev, gtdPrev]: [PyScalar, number, Tensor, PyScalar] = [0, f, g0, gtd];
  let done = false;
  let lsIter = 0;
  let bracket: PyScalar[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: PyScalar[] = [];
  while (lsIter < maxLs) {
    if (py.gt(fNew, py.add(f, py.mul(py.mul(c1, t), gtd))) || (lsIter > 1 && fNew >= fPrev)) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, ctx.copy(gNew)],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    if (py.le(py.abs(gtdNew), py.mul(-c2, gtd))) {
      [bracket, bracketF, bracketG] = [[t], [fNew], [gNew]];
      done = true;
      break;
    }
    if (py.ge(gtdNew, 0)) {
      [bracket, bracketF, bracketG, bracketGtd] = [
        [tPrev, t],
        [fPrev, fNew],
        [gPrev, ctx.copy(gNew)],
        [gtdPrev, gtdNew],
      ];
      break;
    }
    // Interpolate.
    const minStep = py.add(t, py.mul(0.01, py.sub(t, tPrev)));
    const maxStep = py.mul(t, 10);
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    // The next step.
    [tPrev, fPrev, gPrev, gtdPrev] = [tmp, fNew, ctx.copy(gNew), gtdNew];
    [fNew, gNew] = ctx.evaluate(x, t, d);
    lsFuncEvals += 1;
    gtdNew = ctx.dot(gNew, d);
    lsIter += 1;
  }
  // Out of iterations.
  if (lsIter === maxLs)
    [bracket, bracketF, bracketG] = [
      [0, t],
      [f, fNew],
      [g0, gNew],
    ];

  // Zoom: refine the bracket until a point satisfies the criteria.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    // The bracket is too small.
    if (py.lt(py.mul(py.abs(py.sub(bracket[1]!, bracket[0]!)), dNorm), toleranceChange)) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // A t too close to the bracket's ends makes too little progress: after one such step, or at an end,
    // move it 0.1 of the bracket's length in from the nearest end.
    const high = py.max(bracket[0]!, bracket[1]!);
    const low = py.min(bracket[0]!, bracket[1]!);
    const eps = py.mul(0.1, py.sub(high, low));
    if (py.lt(py.min(py.sub(high, t), py.sub(t, low)), eps)) {
      if (insufProgress || py.ge(t, high) || py.le(t, low)) {
        t = py.lt(py.abs(py.sub(t, high)), py.abs(py.sub(t, low))) ? py.sub(high, eps) : py.add(low, eps);
        insufProgress = false;
      } else insufProgress = true;
    } else insufProgress = false;
    // Evaluate the new point.
    [fNew, gNew] = ctx.evaluate(x, t, d);
    lsFuncEvals += 1;
    gtdNew = ctx.dot(gNew, d);
    lsIter += 1;
    if (py.gt(fNew, py.add(f, py.mul(py.mul(c1, t), gtd))) || fNew >= bracketF[lowPos]!) {
      // Armijo condition not met, or not lower than the lowest point.
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = ctx.copy(gNew);
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (py.le(py.abs(gtdNew), py.mul(-c2, gtd))) done = true;
      else if (py.ge(py.mul(gtdNew, py.sub(bracket[highPos]!, bracket[lowPos]!)), 0)) {
        // The old high becomes the new low.
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      // The new point becomes the new low.
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = ctx.copy(gNew);
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, lsFuncEvals];
}
