/**
 * Grad modes: whether ops record the graph. A flag, restored in `finally` (and
 * when a returned promise settles, so async functions work too).
 */

let gradEnabled = true;
let inference = false;

/** Whether ops currently record autograd graphs. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Whether inference mode is on (no graphs, no version tracking needed). */
export function isInferenceMode(): boolean {
  return inference;
}

interface ModeGuard extends Disposable {
  [Symbol.dispose](): void;
}

function enterMode(grad: boolean, inferenceFlag: boolean): ModeGuard {
  const prevGrad = gradEnabled;
  const prevInference = inference;
  gradEnabled = grad;
  inference = inferenceFlag;
  return {
    [Symbol.dispose]() {
      gradEnabled = prevGrad;
      inference = prevInference;
    },
  };
}

function runIn<T>(guard: ModeGuard, fn: () => T): T {
  let result: T;
  try {
    result = fn();
  } catch (e) {
    guard[Symbol.dispose]();
    throw e;
  }
  if (result instanceof Promise) {
    // The mode stays on while the async function runs, and is restored when it settles.
    return result.finally(() => guard[Symbol.dispose]()) as T;
  }
  guard[Symbol.dispose]();
  return result;
}

/**
 * Runs `fn` with graph recording off and returns its result; without `fn`,
 * returns a guard for `using`.
 *
 * @example
 * const y = g.noGrad(() => w.mul(2)); // y.requiresGrad === false
 * { using _ = g.noGrad(); w.sub_(lr * 0.1); }
 */
export function noGrad(): ModeGuard;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | ModeGuard {
  const guard = enterMode(false, inference);
  return fn === undefined ? guard : runIn(guard, fn);
}

/**
 * Runs `fn` with graph recording on (inside a `noGrad` block, for example).
 *
 * @example
 * g.noGrad(() => g.enableGrad(() => x.mul(2))).requiresGrad; // true when x requires grad
 */
export function enableGrad(): ModeGuard;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | ModeGuard {
  const guard = enterMode(true, false);
  return fn === undefined ? guard : runIn(guard, fn);
}

/**
 * Turns graph recording on or off; returns a guard that restores the previous mode.
 *
 * @example
 * g.setGradEnabled(false); // ... g.setGradEnabled(true);
 */
export function setGradEnabled(flag: boolean): ModeGuard {
  return enterMode(flag, flag ? false : inference);
}

/**
 * Runs `fn` in inference mode: no graph is recorded, as `torch.inference_mode`.
 *
 * @example
 * const logits = g.inferenceMode(() => model.call(x));
 */
export function inferenceMode(): ModeGuard;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(fn?: () => T): T | ModeGuard {
  const guard = enterMode(false, true);
  return fn === undefined ? guard : runIn(guard, fn);
}
