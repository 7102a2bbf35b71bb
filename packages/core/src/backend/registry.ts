/** The backend registry: which devices exist, and which one new tensors go to. */
import { debugLevel, instrument } from './debug.js';
import { guardAllocations } from './guard.js';
import { REQUIRED_KERNELS, STORAGE_METHODS } from './kernels.js';
import { BACKEND_SPEC_VERSION, type Backend, type BackendFactory } from './spec.js';

const factories = new Map<string, BackendFactory>();
const instances = new Map<string, Backend>();
let currentName: string | undefined;

/**
 * Makes a backend available under `name`. The factory runs on first use.
 * The first backend registered becomes the default.
 *
 * @example
 * g.registerBackend('mine', () => new MyBackend());
 */
export function registerBackend(name: string, factory: BackendFactory): void {
  factories.set(name, factory);
  instances.delete(name);
  currentName ??= name;
}

/** The names of every registered backend. */
export function listBackends(): string[] {
  return [...factories.keys()];
}

/** The backend instance for a device name, created on first use. */
export function backendFor(name: string): Backend {
  const existing = instances.get(name);
  if (existing !== undefined) return existing;
  const factory = factories.get(name);
  if (factory === undefined) {
    const known = listBackends();
    throw new Error(
      `Unknown device '${name}'. Registered backends: ${known.length ? known.map((k) => `'${k}'`).join(', ') : 'none'}` +
        ` (import '@graft/backend-cpu' or another backend package to register one)`,
    );
  }
  const backend = factory();
  checkBackend(name, backend);
  const guarded = guardAllocations(name, backend);
  const level = debugLevel();
  const used = level > 0 ? instrument(name, guarded, level) : guarded;
  instances.set(name, used);
  return used;
}

/** Refuses a backend of another spec version, or one without a required method, naming what is wrong. */
function checkBackend(name: string, backend: Backend): void {
  if (typeof backend !== 'object' || backend === null) throw new TypeError(`Backend '${name}': its factory returned ${describe(backend)}, not a Backend`);
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

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : value === null ? 'null' : typeof value === 'number' ? String(value) : typeof value;
}

/**
 * Makes `name` the device new tensors are created on.
 *
 * @example
 * g.setBackend('cpu');
 */
export function setBackend(name: string): void {
  backendFor(name);
  currentName = name;
}

/**
 * The current backend (where new tensors are created).
 *
 * @example
 * g.getBackend().name; // 'cpu'
 */
export function getBackend(): Backend {
  if (currentName === undefined) {
    throw new Error(`No backend registered: import '@graft/backend-cpu' (or another backend) before creating tensors`);
  }
  return backendFor(currentName);
}

/** The name of the current device. */
export function currentDevice(): string {
  getBackend();
  return currentName!;
}
