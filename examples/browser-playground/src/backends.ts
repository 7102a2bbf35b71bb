/**
 * The backends the page offers, as one table: adding a backend is adding a
 * line. A backend package registers its device when imported, so `load`
 * imports it (Vite splits each into its own chunk: WebGL's shaders are
 * fetched only when WebGL is chosen); `available` says whether this browser
 * can run it at all, or why not (the menu offers only those, and shows the
 * others disabled with the reason). WebGPU can only be known by asking for
 * an adapter, so its check imports the package (at page load, where
 * `navigator.gpu` exists).
 */
import * as g from '@graft/core';

export interface BackendEntry {
  /** The device name the package registers (`g.setBackend(name)`). */
  name: string;
  /** What the menu and the legend call it. */
  label: string;
  /** The colour of its curves on the loss plot. */
  color: string;
  /** True where this browser can run it, else the reason it cannot (never rejects). */
  available(): Promise<true | string>;
  /** Imports the package (which registers the device) and does any asynchronous set-up it needs. */
  load(): Promise<void>;
}

export const BACKENDS: BackendEntry[] = [
  // Always loaded: datasets.ts imports it (the datasets draw on the CPU generator whatever backend trains).
  { name: 'cpu', label: 'CPU', color: '#1f6feb', available: async () => true, load: async () => {} },
  {
    name: 'webgl',
    label: 'WebGL',
    color: '#d9480f',
    available: async () => webglRenderer() !== undefined || 'this browser has no WebGL2',
    load: () => import('@graft/backend-webgl').then(() => undefined),
  },
  { name: 'webgpu', label: 'WebGPU', color: '#2b8a3e', available: webgpuUsable, load: loadWebGpu },
];

/** How long the WebGPU check waits for an adapter and a device before it gives up (a hung driver must not hang the page). */
const WEBGPU_PROBE_MS = 10_000;

/**
 * Whether WebGPU works here: `navigator.gpu` exists (a secure context in a
 * browser that ships it) and the package gets an adapter and a device.
 * Importing the package starts asking; `webgpuAvailable()` waits for the answer.
 */
async function webgpuUsable(): Promise<true | string> {
  if (!('gpu' in navigator)) return 'navigator.gpu is absent (WebGPU needs a secure context: https or localhost)';
  try {
    const { webgpuAvailable } = await import('@graft/backend-webgpu');
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), WEBGPU_PROBE_MS));
    return (await Promise.race([webgpuAvailable(), timeout])) || 'no WebGPU adapter or device';
  } catch (e) {
    return `loading the WebGPU backend failed: ${(e as Error).message}`;
  }
}

/** Imports the package (which registers 'webgpu' and asks for a device) and waits for the device; throws where there is none. */
async function loadWebGpu(): Promise<void> {
  const { webgpuAvailable } = await import('@graft/backend-webgpu');
  if (!(await webgpuAvailable())) throw new Error('WebGPU is not available here');
}

/** One backend of the table and whether this browser can run it (`reason` says why not). */
export interface BackendChoice {
  entry: BackendEntry;
  reason?: string;
}

/**
 * Every entry of the table, in its order, each with the reason this browser
 * cannot run it, if any. Checked once (the WebGPU check asks for a device).
 *
 * @example
 * const usable = (await backendChoices()).filter((c) => c.reason === undefined).map((c) => c.entry.name);
 */
export function backendChoices(): Promise<BackendChoice[]> {
  choices ??= Promise.all(
    BACKENDS.map(async (entry) => {
      const ok = await entry.available().catch((e: unknown) => String(e));
      return ok === true ? { entry } : { entry, reason: ok };
    }),
  );
  return choices;
}
let choices: Promise<BackendChoice[]> | undefined;

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

/** A WebGPU GPUAdapterInfo as text ("vendor architecture description", and whether it is a software fallback), if the backend exposes one. */
function describeAdapterInfo(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const { vendor, architecture, description, isFallbackAdapter } = info as Record<string, string | boolean | undefined>;
  const name = [vendor, architecture, description].filter(Boolean).join(' ') || 'unnamed adapter';
  return isFallbackAdapter ? `${name} (fallback adapter)` : name;
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
