/** The backend registry: which devices exist, and which one new tensors go to. */
import { debugLevel, instrument } from './debug.js';
import { guardAllocations } from './guard.js';
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
  if (backend.specVersion !== BACKEND_SPEC_VERSION) {
    throw new Error(
      `Backend '${name}' implements spec version ${backend.specVersion}, but this @graft/core expects ${BACKEND_SPEC_VERSION}`,
    );
  }
  const guarded = guardAllocations(name, backend);
  const level = debugLevel();
  const used = level > 0 ? instrument(name, guarded, level) : guarded;
  instances.set(name, used);
  return used;
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
