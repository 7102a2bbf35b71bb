/**
 * Grad modes: whether ops record the autograd graph (`isGradEnabled`) and
 * whether they make inference tensors (`isInferenceModeEnabled`). PyTorch
 * keeps both per thread; Graft keeps them per task (an async call chain).
 *
 * What is guaranteed:
 *
 * - Sync forms — `g.noGrad(fn)` where `fn` returns a value, `using _ =
 *   g.noGrad()`, `g.setGradEnabled(flag)` — set the mode of the current task
 *   and restore it when `fn` returns or throws, or when the guard is disposed.
 *   They work in every runtime and cost a few field writes.
 * - Async forms — any of `noGrad`, `enableGrad`, `inferenceMode` given an
 *   `async` function — give the function a task of its own where the runtime
 *   has AsyncLocalStorage (Node, Deno, Bun): the mode holds for everything the
 *   function runs and awaits until its promise settles, and for nothing else.
 *   A training loop beside a pending `noGrad(async …)` evaluation keeps
 *   recording; overlapping scopes settling in any order restore each task's
 *   own mode; `setGradEnabled` or a sync scope inside an async scope changes
 *   that task only.
 * - Where Graft cannot confine an async scope to its task — a runtime without
 *   AsyncLocalStorage (browsers), or a plain function that returns a promise
 *   (`g.noGrad(() => evaluate())`: Graft learns it is async only after its
 *   synchronous part ran) — the scope's mode is the mode of the whole
 *   enclosing task (in a browser: of the page) until its promise settles, so
 *   such a scope must have that task to itself. Graft never lets its mode
 *   outlive it: starting another async scope while it is pending throws, and
 *   so does a sync scope that would end (restoring its own mode under it)
 *   while an async scope started inside it is still pending. Code that runs
 *   entirely inside one async scope, with sync scopes in it, works
 *   everywhere; await one async scope before starting the next.
 * - Work an async scope starts without awaiting it, still running after the
 *   scope settled, belongs to the enclosing task from then on.
 * - A `using` guard or `setGradEnabled` held across an `await` changes the
 *   current task's mode for that whole time, as `with torch.no_grad():`
 *   around an `await` does in asyncio: give async work an async scope instead.
 *
 * How: each task's mode is a `Mode` record. Outside async scopes it is
 * `rootMode`. An async scope Graft can confine runs its function under
 * `AsyncLocalStorage.run` with a Mode of its own, which sync forms inside it
 * change in place. The storage is looked up only while such scopes are pending
 * (`confinedScopes > 0`), created on the first one (in Node 20 it turns on
 * promise hooks) and disabled again whenever none is pending.
 */

/** The grad mode of one task. Sync forms change it in place and put it back. */
interface Mode {
  grad: boolean;
  inference: boolean;
  /** `grad && !inference`: whether ops record graphs, kept in step so the hot path reads one field. */
  records: boolean;
  /** The task this one was started from; undefined for the root. */
  readonly parent: Mode | undefined;
  /** False once the async scope that made this Mode settled (its leftover work then belongs to `parent`). */
  open: boolean;
  /** The async scope pending on this Mode that Graft cannot confine (at most one), or null. */
  unconfined: UnconfinedScope | null;
}

/** An async scope that holds its task's whole Mode until it settles. */
interface UnconfinedScope {
  /** e.g. `g.noGrad(async …)`, for error messages. */
  readonly label: string;
  readonly why: string;
  readonly prevGrad: boolean;
  readonly prevInference: boolean;
  /**
   * Set when the scope's mode ended: it settled, or a sync scope it was
   * started in ended first (an error). Settling then must not touch the Mode.
   */
  ended: boolean;
  /** The mode it ended on: where sync scopes opened inside it go back to if they end after it. */
  endGrad: boolean;
  endInference: boolean;
}

/** What Graft uses of Node's AsyncLocalStorage. */
interface TaskStorage {
  run<R>(store: Mode, fn: () => R): R;
  getStore(): Mode | undefined;
  disable(): void;
}
type TaskStorageClass = new () => TaskStorage;

const rootMode: Mode = { grad: true, inference: false, records: true, parent: undefined, open: true, unconfined: null };

/** Pending async scopes that run under `taskStorage`; while 0, every task is in `rootMode`. */
let confinedScopes = 0;
let taskStorage: TaskStorage | undefined;
/** AsyncLocalStorage, once looked up (null: this runtime has none). */
let storageClass: TaskStorageClass | null | undefined;

const AsyncFunction = (async () => {}).constructor;

function currentMode(): Mode {
  if (confinedScopes === 0) return rootMode;
  let mode = taskStorage!.getStore();
  while (mode !== undefined && !mode.open) mode = mode.parent;
  return mode ?? rootMode;
}

/** `inference` null keeps the mode's own (noGrad, enableGrad and setGradEnabled change grad mode only). */
function setMode(mode: Mode, grad: boolean, inference: boolean | null): void {
  const inf = inference ?? mode.inference;
  mode.grad = grad;
  mode.inference = inf;
  mode.records = grad && !inf;
}

/**
 * Whether grad mode is on (PyTorch's `torch.is_grad_enabled`). Ops record the
 * graph when it is on and inference mode is off.
 *
 * @example
 * g.isGradEnabled(); // true
 * g.noGrad(() => g.isGradEnabled()); // false
 */
export function isGradEnabled(): boolean {
  return confinedScopes === 0 ? rootMode.grad : currentMode().grad;
}

/**
 * Whether inference mode is on (PyTorch's `torch.is_inference_mode_enabled`):
 * inside `g.inferenceMode`, where ops record no graph and make inference tensors.
 *
 * @example
 * g.inferenceMode(() => g.isInferenceModeEnabled()); // true
 */
export function isInferenceModeEnabled(): boolean {
  return confinedScopes === 0 ? rootMode.inference : currentMode().inference;
}

/** @internal whether ops record graphs now: grad mode on and inference mode off (the hot path of every op). */
export function isGraphRecordingEnabled(): boolean {
  return confinedScopes === 0 ? rootMode.records : currentMode().records;
}

/** What the no-function forms return: disposing it restores the previous mode (for `using`). */
export interface ModeGuard extends Disposable {
  /** Restores the mode the guard found (a second call does nothing). */
  [Symbol.dispose](): void;
}

/** Looks up AsyncLocalStorage at run time: no `node:` import, so browser bundles stay clean. */
function findStorageClass(): TaskStorageClass | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  let hooks: { AsyncLocalStorage?: TaskStorageClass } | undefined;
  try {
    hooks = proc?.getBuiltinModule?.('node:async_hooks') as typeof hooks;
  } catch {
    hooks = undefined;
  }
  return hooks?.AsyncLocalStorage ?? null;
}

function hasTaskStorage(): boolean {
  if (storageClass === undefined) storageClass = findStorageClass();
  return storageClass !== null;
}

/**
 * @internal for tests: `false` makes Graft behave as in a runtime without
 * AsyncLocalStorage (a browser); `true` looks it up again.
 */
export function setTaskStorageAvailable(available: boolean): void {
  if (confinedScopes !== 0 || rootMode.unconfined !== null) throw new Error('setTaskStorageAvailable: async grad-mode scopes are pending');
  storageClass = available ? findStorageClass() : null;
}

const NO_STORAGE = 'this runtime has no AsyncLocalStorage (as in browsers) to tell which task code belongs to';
const NOT_ASYNC = 'its function is not an async function, so Graft learned that it is async only after its synchronous part ran';

/** `g.noGrad(async …)` or `g.noGrad(…)`, for messages. */
function label(name: string, isAsync: boolean): string {
  return `g.${name}(${isAsync ? 'async ' : ''}…)`;
}

function overlapError(label: string, pending: UnconfinedScope): Error {
  return new Error(
    `${label}: cannot start an async grad-mode scope while ${pending.label} is pending: ${pending.why}, so its mode is the mode ` +
      `of all code until it settles, and a second async scope would leak into it or out of it. Await the pending scope before ` +
      `starting another, or inside it use the sync form (g.noGrad(() => …), or using _ = g.noGrad()).`,
  );
}

function outlivedError(label: string, pending: UnconfinedScope): Error {
  return new Error(
    `${label}: ended while ${pending.label}, started inside it, is still pending: ${pending.why}, so restoring this scope's mode ` +
      `would change the mode under that scope (its mode now ends here). Await one scope before starting another, or inside the ` +
      `async one use the sync form (g.noGrad(() => …), or using _ = g.noGrad()).`,
  );
}

/**
 * Puts `mode` back as a sync scope found it: to its mode at entry or, if the
 * unconfined async scope it was opened in (`atEntry`) has ended meanwhile (a
 * `using` guard held past it), to where that scope left the mode. If an
 * unconfined scope started inside this one is still pending, that scope's
 * mode ends here (restoring ours under it would leak into it, and its settling
 * later would leak out) and, unless this scope is already failing, this
 * throws. `label` names the scope, e.g. `g.noGrad()`.
 */
function exitSync(
  mode: Mode,
  prevGrad: boolean,
  prevInference: boolean,
  atEntry: UnconfinedScope | null,
  label: string,
  failing: boolean,
): void {
  if (atEntry !== null && atEntry.ended) setMode(mode, atEntry.endGrad, atEntry.endInference);
  else setMode(mode, prevGrad, prevInference);
  const pending = mode.unconfined;
  if (pending === null || pending === atEntry) return;
  endUnconfined(mode, pending);
  if (!failing) throw outlivedError(label, pending);
}

function endUnconfined(mode: Mode, scope: UnconfinedScope): void {
  scope.ended = true;
  scope.endGrad = mode.grad;
  scope.endInference = mode.inference;
  mode.unconfined = null;
}

function settleUnconfined(mode: Mode, scope: UnconfinedScope): void {
  if (scope.ended) return;
  setMode(mode, scope.prevGrad, scope.prevInference);
  endUnconfined(mode, scope);
}

function newUnconfined(label: string, why: string, prevGrad: boolean, prevInference: boolean): UnconfinedScope {
  return { label, why, prevGrad, prevInference, ended: false, endGrad: prevGrad, endInference: prevInference };
}

function closeConfined(mode: Mode): void {
  mode.open = false;
  // With no scope pending, every task is in rootMode: stop the promise hooks until the next async scope.
  if (--confinedScopes === 0) taskStorage!.disable();
}

/** An async function in a task of its own (AsyncLocalStorage): its mode is invisible to everything else. */
function runConfined<T>(grad: boolean, inference: boolean | null, fn: () => T): T {
  taskStorage ??= new storageClass!();
  const parent = currentMode();
  const inf = inference ?? parent.inference;
  const mode: Mode = { grad, inference: inf, records: grad && !inf, parent, open: true, unconfined: null };
  confinedScopes++;
  let result: T;
  try {
    result = taskStorage.run(mode, fn);
  } catch (e) {
    closeConfined(mode);
    throw e;
  }
  if (!(result instanceof Promise)) {
    closeConfined(mode);
    return result;
  }
  return result.finally(() => closeConfined(mode)) as T;
}

/** An async function holding its task's Mode until it settles (no AsyncLocalStorage here). */
function runUnconfined<T>(name: string, grad: boolean, inference: boolean | null, fn: () => T): T {
  const mode = currentMode();
  const scopeLabel = label(name, true);
  if (mode.unconfined !== null) throw overlapError(scopeLabel, mode.unconfined);
  const scope = newUnconfined(scopeLabel, NO_STORAGE, mode.grad, mode.inference);
  mode.unconfined = scope;
  setMode(mode, grad, inference);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    settleUnconfined(mode, scope);
    throw e;
  }
  if (!(result instanceof Promise)) {
    settleUnconfined(mode, scope);
    return result;
  }
  return result.finally(() => settleUnconfined(mode, scope)) as T;
}

/** The callback forms: sync functions set and restore; async ones get a scope that lasts until they settle. */
function runIn<T>(name: string, grad: boolean, inference: boolean | null, fn: () => T): T {
  if (fn instanceof AsyncFunction) {
    return hasTaskStorage() ? runConfined(grad, inference, fn) : runUnconfined(name, grad, inference, fn);
  }
  const mode = currentMode();
  const prevGrad = mode.grad;
  const prevInference = mode.inference;
  const unconfinedAtEntry = mode.unconfined;
  setMode(mode, grad, inference);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    exitSync(mode, prevGrad, prevInference, unconfinedAtEntry, '', true);
    throw e;
  }
  if (result instanceof Promise) return becomeUnconfined(name, mode, prevGrad, prevInference, unconfinedAtEntry, result) as T;
  if (mode.unconfined !== unconfinedAtEntry) exitSync(mode, prevGrad, prevInference, unconfinedAtEntry, label(name, false), false);
  else setMode(mode, prevGrad, prevInference);
  return result;
}

/**
 * A plain function returned a promise: its continuations were created in the
 * caller's task, so its mode can only hold that task's Mode until it settles.
 */
function becomeUnconfined(
  name: string,
  mode: Mode,
  prevGrad: boolean,
  prevInference: boolean,
  unconfinedAtEntry: UnconfinedScope | null,
  result: Promise<unknown>,
): Promise<unknown> {
  const scopeLabel = label(name, false);
  const started = mode.unconfined;
  if (unconfinedAtEntry !== null || started !== null) {
    exitSync(mode, prevGrad, prevInference, unconfinedAtEntry, scopeLabel, true);
    throw overlapError(scopeLabel, (unconfinedAtEntry ?? started)!);
  }
  const scope = newUnconfined(scopeLabel, hasTaskStorage() ? NOT_ASYNC : NO_STORAGE, prevGrad, prevInference);
  mode.unconfined = scope;
  if (scope.why === NOT_ASYNC) warnNotAsyncOnce(scopeLabel);
  return result.finally(() => settleUnconfined(mode, scope));
}

let warnedNotAsync = false;

function warnNotAsyncOnce(scopeLabel: string): void {
  if (warnedNotAsync) return;
  warnedNotAsync = true;
  console.warn(
    `UserWarning: ${scopeLabel} was given a plain function that returned a Promise: Graft can keep a grad mode to one async task ` +
      `only for an async function, so this mode holds for all code in the calling task until the promise settles. ` +
      `Pass an async function instead, e.g. ${scopeLabel.replace('(…)', '(async () => …)')}.`,
  );
}

/** The no-function forms: a guard that restores the mode it found. */
function enterGuard(name: string, grad: boolean, inference: boolean | null): ModeGuard {
  const mode = currentMode();
  const prevGrad = mode.grad;
  const prevInference = mode.inference;
  const unconfinedAtEntry = mode.unconfined;
  setMode(mode, grad, inference);
  let open = true;
  return {
    [Symbol.dispose]() {
      if (!open) return;
      open = false;
      exitSync(mode, prevGrad, prevInference, unconfinedAtEntry, `g.${name}()`, false);
    },
  };
}

/**
 * Runs `fn` with grad mode off (no graph is recorded) and returns its result,
 * as `torch.no_grad()`; without `fn`, turns it off until the returned guard is
 * disposed (`using`). An `async` function keeps the mode for everything it
 * awaits, and only there: see docs/core.md, "Grad modes and async code".
 *
 * @example
 * const w = g.ones(2, { requiresGrad: true });
 * g.noGrad(() => w.mul(2)).requiresGrad; // false
 * { using _ = g.noGrad(); w.sub_(0.1); }
 * const acc = await g.noGrad(async () => (await w.sum().values())[0]); // a training loop beside it still records
 */
export function noGrad(): ModeGuard;
export function noGrad<T>(fn: () => T): T;
export function noGrad<T>(fn?: () => T): T | ModeGuard {
  return fn === undefined ? enterGuard('noGrad', false, null) : runIn('noGrad', false, null, fn);
}

/**
 * Runs `fn` with grad mode on (inside a `noGrad` block, for example), as
 * `torch.enable_grad()`; without `fn`, returns a guard for `using`. Inside
 * `inferenceMode` it turns grad mode on but records nothing, as in PyTorch.
 *
 * @example
 * const x = g.ones(2, { requiresGrad: true });
 * g.noGrad(() => g.enableGrad(() => x.mul(2))).requiresGrad; // true
 */
export function enableGrad(): ModeGuard;
export function enableGrad<T>(fn: () => T): T;
export function enableGrad<T>(fn?: () => T): T | ModeGuard {
  return fn === undefined ? enterGuard('enableGrad', true, null) : runIn('enableGrad', true, null, fn);
}

/**
 * Turns grad mode on or off in the current task (inside an async scope: in
 * that scope only), as `torch.set_grad_enabled(flag)`; returns a guard that
 * restores the previous mode.
 *
 * @example
 * g.setGradEnabled(false);
 * g.isGradEnabled(); // false
 * g.setGradEnabled(true);
 * { using _ = g.setGradEnabled(false); } // restored at the end of the block
 * g.setGradEnabled(false, () => g.isGradEnabled()); // false, and restored after
 */
export function setGradEnabled(flag: boolean): ModeGuard;
export function setGradEnabled<T>(flag: boolean, fn: () => T): T;
export function setGradEnabled<T>(flag: boolean, fn?: () => T): T | ModeGuard {
  // With a function, as PyTorch's `with torch.set_grad_enabled(flag):` around it.
  return fn === undefined ? enterGuard('setGradEnabled', flag, null) : runIn('setGradEnabled', flag, null, fn);
}

/**
 * Runs `fn` in inference mode, as `torch.inference_mode()`: no graph is
 * recorded and the tensors it creates are inference tensors
 * (`t.isInference()`), which autograd later refuses to save for backward and
 * in-place ops refuse to change outside inference mode (clone one to get a
 * normal tensor). Without `fn`, returns a guard for `using`; an `async`
 * function keeps the mode as `noGrad` does.
 *
 * `inferenceMode(false, fn)` is PyTorch's `inference_mode(mode=False)`:
 * inference mode off and grad mode on inside.
 *
 * @example
 * const logits = g.inferenceMode(() => g.ones(2, 3).matmul(g.ones(3)));
 * logits.isInference(); // true
 * g.inferenceMode(() => g.inferenceMode(false, () => g.isInferenceModeEnabled())); // false
 */
export function inferenceMode(mode?: boolean): ModeGuard;
export function inferenceMode<T>(fn: () => T): T;
export function inferenceMode<T>(mode: boolean, fn: () => T): T;
export function inferenceMode<T>(modeOrFn?: boolean | (() => T), maybeFn?: () => T): T | ModeGuard {
  // `inferenceMode(false, fn)` is PyTorch's `inference_mode(mode=False)`: inference off and grad mode on inside.
  const mode = typeof modeOrFn === 'boolean' ? modeOrFn : true;
  const fn = typeof modeOrFn === 'function' ? modeOrFn : maybeFn;
  return fn === undefined ? enterGuard('inferenceMode', !mode, mode) : runIn('inferenceMode', !mode, mode, fn);
}
