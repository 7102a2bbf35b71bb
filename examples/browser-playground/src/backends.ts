/**
 * The backends the page offers, as one table: adding a backend is adding a
 * line. A backend package registers its device when imported, so `load`
 * imports it (Vite splits each into its own chunk: WebGL's shaders are
 * fetched only when WebGL is chosen); `available` says whether this browser
 * can run it at all (the menu lists only those).
 */
import * as g from '@graft/core';

export interface BackendEntry {
  /** The device name the package registers (`g.setBackend(name)`). */
  name: string;
  /** What the menu and the legend call it. */
  label: string;
  /** The colour of its curves on the loss plot. */
  color: string;
  /** Whether this browser can run it (quick, without side effects). */
  available(): boolean;
  /** Imports the package (which registers the device) and does any asynchronous set-up it needs. */
  load(): Promise<void>;
}

export const BACKENDS: BackendEntry[] = [
  // Always loaded: datasets.ts imports it (the datasets draw on the CPU generator whatever backend trains).
  { name: 'cpu', label: 'CPU', color: '#1f6feb', available: () => true, load: async () => {} },
  {
    name: 'webgl',
    label: 'WebGL',
    color: '#d9480f',
    available: () => webglRenderer() !== undefined,
    load: () => import('@graft/backend-webgl').then(() => undefined),
  },
  // After @graft/backend-webgpu is merged, one line (load awaits whatever asynchronous set-up the package needs):
  // { name: 'webgpu', label: 'WebGPU', color: '#2b8a3e', available: () => 'gpu' in navigator, load: () => import('@graft/backend-webgpu').then(() => undefined) },
];

/** The entries this browser can run, in the table's order. */
export function availableBackends(): BackendEntry[] {
  return BACKENDS.filter((b) => b.available());
}

/** The entry named `name` (throws on a name not in the table: a programming error, URLs are checked before). */
export function backendEntry(name: string): BackendEntry {
  const entry = BACKENDS.find((b) => b.name === name);
  if (!entry) throw new Error(`no backend '${name}' in the playground's table (${BACKENDS.map((b) => b.name).join(', ')})`);
  return entry;
}

const loaded = new Map<string, Promise<void>>();

/**
 * Loads the backend once and makes it the current device.
 *
 * @example
 * await useBackend('webgl'); // g.currentDevice() === 'webgl'
 */
export async function useBackend(name: string): Promise<void> {
  let done = loaded.get(name);
  if (!done) {
    done = backendEntry(name).load();
    loaded.set(name, done);
  }
  await done;
  g.setBackend(name);
}

/**
 * What the current backend computes in and on what: its precision (a
 * backend's `precision` field where it has one, as WebGL's float32/float16)
 * and its adapter (the GPU's name, or for the CPU whether threads are allowed).
 *
 * @example
 * await useBackend('cpu');
 * describeBackend(); // { precision: 'float32 (float64 available)', adapter: 'WebAssembly SIMD, one thread: the page is not cross-origin isolated' }
 */
export function describeBackend(): { precision: string; adapter: string } {
  const backend = g.getBackend() as unknown as {
    name: string;
    supportsFloat64: boolean;
    precision?: string;
    adapter?: string;
    adapterInfo?: unknown;
  };
  const precision = backend.precision ?? 'float32';
  const fp64 = backend.supportsFloat64 ? ' (float64 available)' : ' (no float64)';
  let adapter: string;
  if (backend.name === 'cpu') {
    // The CPU backend may use worker threads only where SharedArrayBuffer exists: a cross-origin isolated page (COOP + COEP headers).
    adapter = globalThis.crossOriginIsolated
      ? `WebAssembly, cross-origin isolated: threads allowed (${navigator.hardwareConcurrency} logical cores)`
      : 'WebAssembly, one thread: the page is not cross-origin isolated';
  } else if (backend.name === 'webgl') {
    adapter = webglRenderer() ?? 'unknown GPU';
  } else {
    adapter = backend.adapter ?? describeAdapterInfo(backend.adapterInfo) ?? 'unknown adapter';
  }
  return { precision: precision + fp64, adapter };
}

/** A WebGPU-style GPUAdapterInfo as text ("vendor architecture description"), if the backend exposes one. */
function describeAdapterInfo(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const { vendor, architecture, description } = info as Record<string, string | undefined>;
  return [vendor, architecture, description].filter(Boolean).join(' ') || undefined;
}

let renderer: string | null | undefined;

/** The GPU's name as WebGL reports it (unmasked where the browser allows), or undefined where there is no WebGL2. Asked once. */
function webglRenderer(): string | undefined {
  if (renderer === undefined) {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) renderer = null;
    else {
      const debug = gl.getExtension('WEBGL_debug_renderer_info');
      renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      // Give the context back now: browsers cap live WebGL contexts, and the backend makes its own.
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  }
  return renderer ?? undefined;
}
