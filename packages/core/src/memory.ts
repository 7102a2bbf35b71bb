/**
 * Memory: refcounted storage, live-tensor accounting on every backend, `tidy`
 * scopes, and a FinalizationRegistry for what users forget to dispose.
 *
 * On the CPU the garbage collector would free storage anyway; counting it the
 * same way everywhere lets leak tests run on any backend.
 */
import { isInferenceModeEnabled } from './autograd/grad-mode.js';
import type { Backend } from './backend/spec.js';
import { BYTES_PER_ELEMENT, type DType } from './dtype.js';

interface DeviceCount {
  numTensors: number;
  numBytes: number;
}

const counts = new Map<string, DeviceCount>();
let lastDevice = '';
let lastCount: DeviceCount | undefined;

function countFor(device: string): DeviceCount {
  if (device === lastDevice && lastCount !== undefined) return lastCount;
  let c = counts.get(device);
  if (c === undefined) {
    c = { numTensors: 0, numBytes: 0 };
    counts.set(device, c);
  }
  lastDevice = device;
  lastCount = c;
  return c;
}

/**
 * What the finalizer needs to free a storage: everything but the storage itself.
 * A class, not an object literal: V8 pretenures a literal's allocation site once
 * many of its objects survived a scavenge (a training step's graph keeps its
 * storages alive), and every later storage, even an op's short-lived result, was
 * then allocated in old space: a quarter of a small op's time after an LSTM step
 * had run in the same process (`new` has no such feedback).
 */
class Held {
  /** Tensors (views) holding this storage that were not disposed. */
  liveTensors = 0;
  freed = false;
  /** In forgottenStorage (storages freed while still in the nursery never are). */
  registered = false;
  constructor(
    readonly backend: Backend,
    public handle: unknown,
    readonly numBytes: number,
    readonly count: DeviceCount,
  ) {}
}

/**
 * Frees storages whose tensors were all garbage collected without `dispose()`,
 * and stops counting those tensors. One registration per storage (views share
 * it), withdrawn when the storage is freed: a disposed storage leaves nothing
 * behind in the registry, so a long synchronous loop (where finalizers never
 * get to run) holds nothing for the tensors it disposes. `held` is its own
 * unregister token.
 */
const forgottenStorage = new FinalizationRegistry<Held>((held) => {
  if (held.freed) return;
  held.count.numTensors -= held.liveTensors;
  held.liveTensors = 0;
  free(held);
});

/**
 * New storages wait here before they are registered with forgottenStorage.
 * A registration and its withdrawal cost more than the rest of a small op
 * together (V8 allocates a weak cell and indexes it by token), and most
 * storages — an op's intermediates, disposed by `tidy` or `dispose()` within
 * the same task — are freed long before a finalizer could matter. So storages
 * are registered in batches: when the nursery holds NURSERY_SIZE of them, and
 * when the current task's microtasks run; those already freed are dropped
 * unregistered. A forgotten tensor is therefore collectable from the end of
 * the task that made it (or NURSERY_SIZE storages later), never lost.
 */
const NURSERY_SIZE = 1024;
const nursery: Storage[] = [];
let nurseryFlushQueued = false;

function registerNursery(): void {
  for (const storage of nursery) storage.registerForFinalization();
  nursery.length = 0;
}

function registerNurseryAtTaskEnd(): void {
  nurseryFlushQueued = false;
  registerNursery();
}

function free(held: Held): void {
  held.freed = true;
  held.count.numBytes -= held.numBytes;
  if (held.registered) forgottenStorage.unregister(held);
  held.backend.dispose(held.handle);
  held.handle = undefined;
}

/** Device memory shared by a tensor and its views, freed when the last one lets go. */
export class Storage {
  private readonly held: Held;
  /** Made in inference mode: every tensor viewing it is an inference tensor (see autograd/inference.ts). */
  readonly inference = isInferenceModeEnabled();
  /**
   * @internal Bumped when an in-place op gives a tensor of this storage a new
   * graph node: the graph of a view made before no longer says where its
   * values came from (see `Tensor.checkViewGraph`).
   */
  graphEpoch = 0;

  constructor(
    readonly backend: Backend,
    readonly device: string,
    handle: unknown,
    readonly dtype: DType,
    readonly size: number,
  ) {
    const count = countFor(device);
    const numBytes = size * BYTES_PER_ELEMENT[dtype];
    this.held = new Held(backend, handle, numBytes, count);
    count.numBytes += numBytes;
    nursery.push(this);
    if (nursery.length >= NURSERY_SIZE) registerNursery();
    else if (!nurseryFlushQueued) {
      nurseryFlushQueued = true;
      queueMicrotask(registerNurseryAtTaskEnd);
    }
  }

  /** @internal Leaves the nursery for forgottenStorage, unless already freed (see `nursery`). */
  registerForFinalization(): void {
    const held = this.held;
    if (held.freed || held.registered) return;
    held.registered = true;
    forgottenStorage.register(this, held, held);
  }

  get handle(): unknown {
    return this.held.handle;
  }

  get numBytes(): number {
    return this.held.numBytes;
  }

  /** A tensor starts viewing this storage. */
  retain(): void {
    this.held.liveTensors++;
    this.held.count.numTensors++;
  }

  /** A tensor viewing this storage was disposed. */
  release(): void {
    const held = this.held;
    held.count.numTensors--;
    if (--held.liveTensors === 0 && !held.freed) free(held);
  }

  get disposed(): boolean {
    return this.held.freed;
  }

  /** Tensors currently viewing this storage. */
  get liveTensors(): number {
    return this.held.liveTensors;
  }
}

/** A memory snapshot: live tensors and bytes, in total and per device. */
export interface MemoryInfo {
  numTensors: number;
  numBytes: number;
  byDevice: Record<string, { numTensors: number; numBytes: number }>;
}

/**
 * Live tensors and bytes on every device. Tensors count until disposed (or
 * garbage collected), so a training loop that leaks shows a growing count.
 *
 * @example
 * const before = g.memory().numTensors;
 * g.tidy(() => g.ones(3).add(1));
 * g.memory().numTensors === before; // true
 */
export function memory(): MemoryInfo {
  const byDevice: MemoryInfo['byDevice'] = {};
  let numTensors = 0;
  let numBytes = 0;
  for (const [device, c] of counts) {
    byDevice[device] = { numTensors: c.numTensors, numBytes: c.numBytes };
    numTensors += c.numTensors;
    numBytes += c.numBytes;
  }
  return { numTensors, numBytes, byDevice };
}

/** Something a tidy scope can dispose: a Tensor. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

const NONE: readonly Disposable[] = [];

/** The open `tidy` scopes, innermost last: each lists the tensors made while it was innermost. */
const scopes: Disposable[][] = [];
const kept = new WeakSet<Disposable>();
/** Whether `keep` was ever called: until then closing a scope skips the WeakSet lookups. */
let anyKept = false;

/** Called by every new tensor: the innermost `tidy` scope will dispose it. */
export function trackInScope(t: Disposable): void {
  if (scopes.length !== 0) scopes[scopes.length - 1]!.push(t);
}

/**
 * Keeps a tensor alive past the `tidy` scope it was made in (and every scope
 * around it): it lives until `dispose()` or garbage collection.
 *
 * @example
 * let w: g.Tensor;
 * g.tidy(() => { w = g.keep(g.ones(3)); });
 */
export function keep<T extends Disposable>(t: T): T {
  anyKept = true;
  kept.add(t);
  return t;
}

/** @internal how many tidy scopes are open (see `trackAtDepth`). */
export function scopeDepth(): number {
  return scopes.length;
}

/**
 * @internal Runs `fn` with the tensors it makes tracked by the scope that was
 * innermost at `depth` (an outer one), as if the inner scopes were not open:
 * the autograd engine runs user hooks this way, so what a hook makes belongs
 * to the user's scope and not to the engine's.
 */
export function trackAtDepth<T>(depth: number, fn: () => T): T {
  if (depth >= scopes.length) return fn();
  const inner = scopes.splice(depth);
  try {
    return fn();
  } finally {
    scopes.push(...inner);
  }
}

function isDisposable(v: object): v is Disposable {
  return 'dispose' in v && 'isDisposed' in v;
}

/**
 * Every tensor reachable from `value` through arrays, plain (or
 * null-prototype) objects, Maps (keys and values) and Sets, at any depth;
 * cycles are visited once. Instances of other classes are not searched.
 */
function collectTensors(value: unknown, into: Set<Disposable>): void {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length !== 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    if (isDisposable(v)) {
      into.add(v);
      continue;
    }
    if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v instanceof Map) {
      for (const [k, item] of v) stack.push(k, item);
    } else if (v instanceof Set) {
      for (const item of v) stack.push(item);
    } else {
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) for (const item of Object.values(v)) stack.push(item);
    }
  }
}

/**
 * The tensors a scope's result keeps alive. The usual results — one tensor,
 * or a flat array of tensors (a backward rule's gradients) — need no walk.
 */
function survivorsOf(result: object): Disposable[] {
  if (isDisposable(result)) return withTangents([result]);
  if (Array.isArray(result)) {
    let flat = true;
    for (const item of result) {
      if (item !== null && typeof item === 'object' && !isDisposable(item)) {
        flat = false;
        break;
      }
    }
    if (flat) return withTangents(result.filter((item) => item !== null && typeof item === 'object'));
  }
  const into = new Set<Disposable>();
  collectTensors(result, into);
  return withTangents([...into]);
}

/**
 * Adds the forward-mode tangents the survivors carry (and theirs, in nested
 * levels): a dual tensor's tangent is part of it, and under forward AD it was
 * made in the same scope (a composite op's result, a user's tidy).
 */
function withTangents(survivors: Disposable[]): Disposable[] {
  for (let i = 0; i < survivors.length; i++) {
    const tangent = (survivors[i] as { tangent?: Disposable }).tangent;
    if (tangent !== undefined && !survivors.includes(tangent)) survivors.push(tangent);
  }
  return survivors;
}

/** Closes `scope`: disposes what it tracked except `survivors` and kept tensors; survivors move to the enclosing scope. */
function closeScope(scope: Disposable[], survivors: readonly Disposable[]): void {
  const parent = scopes.length !== 0 ? scopes[scopes.length - 1] : undefined;
  // A few survivors are looked up in the array (a Set costs more to build than it saves).
  const lookup = survivors.length > 16 ? new Set(survivors) : undefined;
  const survives = (t: Disposable) => survivors.length !== 0 && (lookup !== undefined ? lookup.has(t) : survivors.includes(t));
  const outer = escaping;
  escaping = survives;
  try {
    for (let i = 0; i < scope.length; i++) {
      const t = scope[i]!;
      if (anyKept && kept.has(t)) continue;
      if (survives(t)) {
        parent?.push(t);
        continue;
      }
      if (!t.isDisposed) t.dispose();
    }
  } finally {
    escaping = outer;
  }
}

/** While a scope closes: whether a tensor is among what it returns. */
let escaping: ((t: Disposable) => boolean) | undefined;

/**
 * @internal Whether `t` is returned by the tidy scope now closing: a tensor
 * disposed by the scope then leaves its `.grad` to the caller instead of
 * disposing it (`g.tidy(() => { …backward(); return x.grad; })`).
 */
export function isEscapingScope(t: Disposable): boolean {
  return escaping?.(t) ?? false;
}

/**
 * Runs `fn` and disposes every tensor created inside it, except those it
 * returns (at any depth inside arrays, plain objects, Maps and Sets, with the
 * forward-mode tangents they carry) and those passed to `keep`. When `fn`
 * throws, everything it made is disposed and the error rethrown. Synchronous
 * only: an async `fn` is refused (its tensors would outlive the scope).
 *
 * @example
 * const y = g.tidy(() => g.ones(3).mul(2).add(1)); // the intermediate is freed
 */
export function tidy<T>(fn: () => T): T {
  const scope: Disposable[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    closeScope(scope, NONE);
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    // The async function goes on without a scope; its eventual rejection is
    // the caller's error already reported here, not an unhandled one.
    result.catch(() => {});
    closeScope(scope, NONE);
    throw new TypeError('tidy: the function returned a Promise; tidy scopes are synchronous (await outside of tidy, or dispose by hand)');
  }
  closeScope(scope, result !== null && typeof result === 'object' ? survivorsOf(result) : NONE);
  return result;
}
