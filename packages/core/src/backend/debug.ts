/**
 * GRAFT_DEBUG: `1` logs every kernel call with its shapes and dtypes, `2` also
 * times each one. Implemented by wrapping the backend, so it costs nothing
 * when off.
 */
import { KERNEL_NAMES } from './kernels.js';
import type { Backend, View } from './spec.js';

/** The GRAFT_DEBUG level from the environment (Node) or globalThis (browsers). */
export function debugLevel(): number {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> }; GRAFT_DEBUG?: unknown };
  const raw = g.process?.env?.['GRAFT_DEBUG'] ?? g.GRAFT_DEBUG;
  const level = Number(raw ?? 0);
  return Number.isFinite(level) ? level : 0;
}

function describe(arg: unknown): string {
  if (typeof arg === 'number' || typeof arg === 'string') return String(arg);
  if (Array.isArray(arg)) return `[${arg.map(describe).join(', ')}]`;
  if (arg !== null && typeof arg === 'object' && 'shape' in arg && 'dtype' in arg) {
    const v = arg as View;
    return `${v.dtype}[${v.shape.join(',')}]`;
  }
  return typeof arg;
}

/** What is logged: every kernel of the spec (storage calls are not). */
const KERNELS: ReadonlySet<string> = new Set(KERNEL_NAMES);

/** `backend` with every kernel call logged (and timed at level 2) under the device `name`. */
export function instrument(name: string, backend: Backend, level: number): Backend {
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || !KERNELS.has(prop)) return value;
      return (...args: unknown[]) => {
        const start = level >= 2 ? performance.now() : 0;
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        const time = level >= 2 ? ` ${(performance.now() - start).toFixed(3)} ms` : '';
        console.log(`[graft:${name}] ${prop}(${args.map(describe).join(', ')})${time}`);
        return out;
      };
    },
  });
}
