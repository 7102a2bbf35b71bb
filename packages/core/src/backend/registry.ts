/**
 * The backend registry: which devices exist, and which one new tensors go to.
 *
 * The default device does not depend on the order packages are imported in:
 * it is the registered backend of highest priority that is available here and
 * whose factory succeeds, settled the first time it is needed (the first
 * tensor made). `setBackend` chooses explicitly.
 */
import { checkOptions } from '../options.js';
import { debugLevel, instrument } from './debug.js';
import { guardAllocations } from './guard.js';
import { REQUIRED_KERNELS, STORAGE_METHODS } from './kernels.js';
import { BACKEND_SPEC_VERSION, type Backend, type BackendFactory } from './spec.js';

/** How a backend is registered: the third argument of `registerBackend`. */
export interface BackendRegistration {
  /**
   * How strongly this backend wants to be the default device (default 0):
   * among the backends that are available here, the one of highest priority
   * whose factory succeeds is the default; ties go to the one registered
   * first. `@graft/backend-cpu` registers at 0 and `@graft/backend-webgl` at
   * -1, so that, as in PyTorch, the CPU is the default device and the GPU is
   * asked for (`g.setBackend('webgl')`, `{ device: 'webgl' }`, `t.to('webgl')`).
   */
  priority?: number;
  /**
   * Whether the backend can work here (a WebGL backend: is there a document or
   * an OffscreenCanvas?), asked before it is made the default. Quick and
   * without side effects; a backend it lets through may still fail in its
   * factory, and then the next one is tried. By default every backend is
   * available. Naming the device (`setBackend`, `{ device }`) skips it: the
   * factory then says what is missing.
   */
  isAvailable?: () => boolean;
}

interface Registered {
  factory: BackendFactory;
  priority: number;
  isAvailable: (() => boolean) | undefined;
}

/** In registration order (a name registered again keeps its place). */
const registered = new Map<string, Registered>();
const instances = new Map<string, Backend>();
/** The device new tensors go to: chosen by `setBackend`, or the default once settled. */
let currentName: string | undefined;

/**
 * Makes a backend available as device `name`; its factory runs on first use.
 * A backend package calls this when it is imported. The default device is
 * the best backend that works here (see {@link BackendRegistration}), whatever
 * the order of registration; registering again under a name replaces the
 * backend (a new instance is made on next use).
 *
 * @example
 * g.registerBackend('mine', () => new MyBackend());
 * g.registerBackend('gpu', () => new MyGpuBackend(), { priority: 1, isAvailable: () => 'gpu' in navigator });
 */
export function registerBackend(name: string, factory: BackendFactory, options?: BackendRegistration): void {
  const { priority = 0, isAvailable } = checkOptions('registerBackend', options, ['priority', 'isAvailable']);
  if (typeof name !== 'string' || name === '')
    throw new TypeError(`registerBackend(): the device name must be a non-empty string, not ${describe(name)}`);
  if (typeof factory !== 'function')
    throw new TypeError(`registerBackend('${name}'): the factory must be a function returning a Backend, not ${describe(factory)}`);
  if (typeof priority !== 'number' || !Number.isFinite(priority)) {
    throw new TypeError(`registerBackend('${name}'): priority must be a finite number, not ${describe(priority)}`);
  }
  if (isAvailable !== undefined && typeof isAvailable !== 'function') {
    throw new TypeError(`registerBackend('${name}'): isAvailable must be a function returning a boolean, not ${describe(isAvailable)}`);
  }
  registered.set(name, { factory, priority, isAvailable });
  instances.delete(name);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : value === null ? 'null' : typeof value === 'number' ? String(value) : typeof value;
}

/** The names of every registered backend, in registration order. */
export function listBackends(): string[] {
  return [...registered.keys()];
}

/** The backend instance for a device name, created on first use. */
export function backendFor(name: string): Backend {
  const existing = instances.get(name);
  if (existing !== undefined) return existing;
  const entry = registered.get(name);
  if (entry === undefined) {
    const known = listBackends();
    throw new Error(
      `Unknown device '${name}'. Registered backends: ${known.length ? known.map((k) => `'${k}'`).join(', ') : 'none'}` +
        ` (import '@graft/backend-cpu' or another backend package to register one)`,
    );
  }
  const backend = entry.factory();
  checkBackend(name, backend);
  const guarded = guardAllocations(name, backend);
  const level = debugLevel();
  const used = level > 0 ? instrument(name, guarded, level) : guarded;
  instances.set(name, used);
  return used;
}

/** Refuses a backend of another spec version, or one without a required method, naming what is wrong. */
function checkBackend(name: string, backend: Backend): void {
  if (typeof backend !== 'object' || backend === null)
    throw new TypeError(`Backend '${name}': its factory returned ${describe(backend)}, not a Backend`);
  if (backend.specVersion !== BACKEND_SPEC_VERSION) {
    throw new Error(
      `Backend '${name}' implements spec version ${backend.specVersion}, but this @graft/core expects ${BACKEND_SPEC_VERSION}` +
        ' (use versions of @graft/core and the backend package that match)',
    );
  }
  const record = backend as unknown as Record<string, unknown>;
  const missing = [...STORAGE_METHODS, ...REQUIRED_KERNELS].filter((k) => typeof record[k] !== 'function');
  if (missing.length !== 0) {
    throw new TypeError(
      `Backend '${name}' lacks ${missing.map((k) => `'${k}'`).join(', ')}, required by the Backend spec (version ${BACKEND_SPEC_VERSION}; see @graft/core/backend)`,
    );
  }
}

/**
 * The default device: of the registered backends, by priority (then
 * registration order), the first that is available here and whose factory
 * succeeds. Throws naming why each one was passed over.
 */
function defaultDevice(): string {
  if (registered.size === 0) {
    throw new Error(`No backend registered: import '@graft/backend-cpu' (or another backend) before creating tensors`);
  }
  // Array.prototype.sort is stable: equal priorities keep registration order.
  const candidates = [...registered].sort(([, a], [, b]) => b.priority - a.priority);
  const passedOver: string[] = [];
  for (const [name, entry] of candidates) {
    let available = true;
    try {
      available = entry.isAvailable === undefined || entry.isAvailable() === true;
    } catch (e) {
      passedOver.push(`'${name}': its availability check threw (${(e as Error).message})`);
      continue;
    }
    if (!available) {
      passedOver.push(`'${name}': not available here`);
      continue;
    }
    try {
      backendFor(name);
      return name;
    } catch (e) {
      passedOver.push(`'${name}': ${(e as Error).message}`);
    }
  }
  throw new Error(
    `No registered backend works here (${passedOver.join('; ')}). Import '@graft/backend-cpu', which works everywhere, ` +
      'or choose a device with g.setBackend(name)',
  );
}

/**
 * Makes `name` the device new tensors are created on (its backend is created
 * now, so a device that cannot work here throws at once).
 *
 * @example
 * g.setBackend('cpu');
 */
export function setBackend(name: string): void {
  backendFor(name);
  currentName = name;
}

/**
 * The current backend (where new tensors are created): the one chosen with
 * `setBackend`, else the best one that works here.
 *
 * @example
 * g.getBackend().name; // 'cpu'
 */
export function getBackend(): Backend {
  return backendFor(currentDevice());
}

/**
 * The name of the current device: where new tensors are created (the one
 * chosen with `setBackend`, else the best one that works here). As
 * `torch.cuda.current_device()`, it names the device; `getBackend()` gives
 * its backend, whose own `name` may differ (two devices may run one kind of
 * backend). Code that switches devices for a while restores this one.
 *
 * @example
 * const previous = g.currentDevice(); // 'cpu'
 * g.setBackend('webgl');
 * // … work on 'webgl'
 * g.setBackend(previous);
 */
export function currentDevice(): string {
  return (currentName ??= defaultDevice());
}
