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

/** What the finalizer needs to free a storage: everything but the storage itself. */
interface Held {
  backend: Backend;
  handle: unknown;
  numBytes: number;
  count: DeviceCount;
  /** Tensors (views) holding this storage that were not disposed. */
  liveTensors: number;
  freed: boolean;
}

function free(held: Held): void {
  held.freed = true;
  held.count.numBytes -= held.numBytes;
  held.backend.dispose(held.handle);
  held.handle = undefined;
}

/**
 * Frees storages whose tensors were all garbage collected without `dispose()`,
 * and stops counting those tensors. One registration per storage (views share
 * it), without an unregister token: both keep the per-op cost low.
 */
const forgottenStorage = new FinalizationRegistry<Held>((held) => {
  if (held.freed) return;
  held.count.numTensors -= held.liveTensors;
  held.liveTensors = 0;
  free(held);
});

/**
 * Registration with the finalizer is batched: most tensors of a training step
 * are disposed (by `tidy` or by hand) long before a batch fills, and those are
 * never registered at all. Only the ones still alive at a flush are.
 */
const PENDING_LIMIT = 256;
let pendingRegistration: Storage[] = [];

function registerPending(): void {
  const batch = pendingRegistration;
  pendingRegistration = [];
  for (const storage of batch) storage.registerForFinalization();
}

/** Device memory shared by a tensor and its views, freed when the last one lets go. */
export class Storage {
  private readonly held: Held;
  /** Made in inference mode: every tensor viewing it is an inference tensor (see autograd/inference.ts). */
  readonly inference = isInferenceModeEnabled();

  constructor(
    readonly backend: Backend,
    readonly device: string,
    handle: unknown,
    readonly dtype: DType,
    readonly size: number,
  ) {
    const count = countFor(device);
    const numBytes = size * BYTES_PER_ELEMENT[dtype];
    this.held = { backend, handle, numBytes, count, liveTensors: 0, freed: false };
    count.numBytes += numBytes;
    pendingRegistration.push(this);
    if (pendingRegistration.length >= PENDING_LIMIT) registerPending();
  }

  /** @internal registers with the finalizer unless already freed. */
  registerForFinalization(): void {
    if (!this.held.freed) forgottenStorage.register(this, this.held);
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

const scopes: Disposable[][] = [];
const kept = new WeakSet<Disposable>();

/** Called by every new tensor: the innermost `tidy` scope will dispose it. */
export function trackInScope(t: Disposable): void {
  if (scopes.length !== 0) scopes[scopes.length - 1]!.push(t);
}

/**
 * Keeps a tensor alive past the `tidy` scope it was made in.
 *
 * @example
 * let w: g.Tensor;
 * g.tidy(() => { w = g.keep(g.ones(3)); });
 */
export function keep<T extends Disposable>(t: T): T {
  kept.add(t);
  return t;
}

function collectTensors(value: unknown, into: Set<Disposable>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if ('dispose' in value && 'isDisposed' in value) {
    into.add(value as Disposable);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collectTensors(v, into, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collectTensors(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into, depth + 1);
  }
}

/**
 * Runs `fn` and disposes every tensor created inside it, except those it
 * returns (also inside arrays and plain objects) and those passed to `keep`.
 * Synchronous only: an async `fn` would let tensors escape the scope.
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
  } finally {
    scopes.pop();
  }
  if (result instanceof Promise) {
    throw new Error('tidy: the function returned a Promise; tidy scopes are synchronous (await outside of tidy)');
  }
  const keepers = new Set<Disposable>();
  collectTensors(result, keepers);
  const parent = scopes.length !== 0 ? scopes[scopes.length - 1] : undefined;
  for (const t of scope) {
    if (keepers.has(t) || kept.has(t)) {
      if (parent !== undefined && !kept.has(t)) parent.push(t);
      continue;
    }
    if (!t.isDisposed) t.dispose();
  }
  return result;
}
