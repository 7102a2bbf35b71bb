/**
 * Getting a GPUDevice: from the browser's `navigator.gpu` when the package is
 * imported, or from a `GPU` object you pass (Node: the `webgpu` package's
 * `create()`, Dawn). The device becomes the `'webgpu'` backend.
 */
import { registerBackend } from '@graft/core/backend';
import { type GPUDeviceLike, type WebGPUAdapterInfo, WebGPUBackend } from './backend.js';

/** The minimal GPUAdapter surface used here. */
interface GPUAdapterLike {
  info?: Partial<WebGPUAdapterInfo>;
  isFallbackAdapter?: boolean;
  features: { has(name: string): boolean };
  limits: Record<string, number> | object;
  requestDevice(descriptor?: object): Promise<GPUDeviceLike>;
}

/** The minimal GPU (navigator.gpu) surface used here. */
export interface GPULike {
  /** Asks for an adapter (null where there is none). */
  requestAdapter(options?: object): Promise<GPUAdapterLike | null>;
}

/** Options of {@link initWebGpu}. */
export interface InitWebGpuOptions {
  /** The GPU to ask for an adapter: `navigator.gpu` by default; in Node, the `webgpu` package's `create([])`. */
  gpu?: GPULike;
  /**
   * WebGPU's global constants (GPUBufferUsage, GPUMapMode, GPUBuffer, …) where the runtime lacks them:
   * in Node, the `webgpu` package's `globals`. Only missing names are set.
   */
  globals?: Record<string, unknown>;
  /** Passed to `requestAdapter` (e.g. `{ powerPreference: 'high-performance' }`, or `{ featureLevel: 'compatibility' }`). */
  adapter?: object;
  /**
   * Whether synchronous reads go through a canvas (see `WebGPUBackendOptions.canvasReads`); by default
   * where OffscreenCanvas exists and the adapter is not a fallback (software) one.
   */
  canvasReads?: boolean;
}

/** What {@link webgpuInfo} reports. */
export interface WebGpuInfo {
  adapter: WebGPUAdapterInfo;
  limits: Readonly<Record<string, number>>;
}

interface State {
  backend?: WebGPUBackend;
  reason?: string;
  pending?: Promise<WebGpuInfo | undefined>;
  /** The GPU object, referenced for the life of the process (Dawn in Node crashes once it is collected). */
  gpu?: GPULike;
}
const state: State = {};

/** @internal The current backend, or why there is none. */
export function webgpuState(): Readonly<State> {
  return state;
}

/** The limits tfjs-webgpu's kernels want raised to the adapter's (the defaults are small). */
const LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
];

/**
 * Whether synchronous reads may take the canvas path (tfjs-webgpu's readSync,
 * the only synchronous way out of WebGPU): where OffscreenCanvas exists and the
 * adapter is a hardware one. On a fallback adapter (SwiftShader in headless
 * Chromium) the path gives zeros, so sync reads are refused there. Probing it
 * on a device of its own is not possible: Chromium then loses the other
 * devices of the page ("A valid external Instance reference no longer exists").
 */
function canvasReadsWork(isFallbackAdapter: boolean): boolean {
  return typeof OffscreenCanvas !== 'undefined' && !isFallbackAdapter;
}

async function makeBackend(options: InitWebGpuOptions): Promise<WebGpuInfo | undefined> {
  const g = globalThis as Record<string, unknown> & { navigator?: { gpu?: GPULike } };
  for (const [name, value] of Object.entries(options.globals ?? {})) if (g[name] === undefined) g[name] = value;
  const gpu = options.gpu ?? g.navigator?.gpu;
  if (gpu === undefined) {
    state.reason = 'navigator.gpu is absent: this runtime has no WebGPU';
    return undefined;
  }
  // tfjs-webgpu checks navigator.gpu itself before it makes a backend.
  if (g.navigator === undefined) g.navigator = { gpu };
  else if (g.navigator.gpu === undefined) {
    try {
      Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
    } catch {
      // a read-only navigator with no gpu: tfjs will refuse, and say so
    }
  }
  state.gpu = gpu;
  const adapter = await gpu.requestAdapter(options.adapter ?? { powerPreference: 'high-performance' });
  if (adapter === null) {
    state.reason = 'requestAdapter() gave no adapter (in Chromium, is --enable-unsafe-webgpu needed here?)';
    return undefined;
  }
  const adapterLimits = adapter.limits as Record<string, number>;
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) if (typeof adapterLimits[name] === 'number') requiredLimits[name] = adapterLimits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  const info = { ...(adapter.info ?? {}), isFallbackAdapter: adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false };
  // A GPUAdapterInfo's fields are getters: copy them out.
  const adapterInfo: Partial<WebGPUAdapterInfo> = {
    vendor: adapter.info?.vendor ?? '',
    architecture: adapter.info?.architecture ?? '',
    device: adapter.info?.device ?? '',
    description: adapter.info?.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter,
  };
  const canvasReads = options.canvasReads ?? canvasReadsWork(info.isFallbackAdapter);
  const backend = new WebGPUBackend({ device, adapterInfo, canvasReads });
  state.backend = backend;
  state.reason = undefined;
  // Registering again makes the registry use this backend (a new device after a lost one).
  register();
  return { adapter: backend.adapterInfo, limits: backend.limits };
}

/**
 * Gets an adapter and a device and makes them the `'webgpu'` device; the
 * package's import calls it with the browser's `navigator.gpu`. Call it
 * yourself in Node (with the `webgpu` package) or to replace a lost device.
 * Resolves to the adapter's info and limits, or undefined where there is no
 * WebGPU (the reason is in the error `'webgpu'` then gives).
 *
 * @example
 * // Node, with `npm install webgpu` (Dawn):
 * import { create, globals } from 'webgpu';
 * import { initWebGpu } from '@graft/backend-webgpu';
 * const info = await initWebGpu({ gpu: create([]), globals });
 * console.log(info?.adapter.description);
 */
export function initWebGpu(options: InitWebGpuOptions = {}): Promise<WebGpuInfo | undefined> {
  const fresh = options.gpu !== undefined || state.backend === undefined || state.backend.isLost;
  if (!fresh && state.pending !== undefined) return state.pending;
  state.pending = makeBackend(options).catch((e: unknown) => {
    state.reason = `making the device failed: ${(e as Error).message}`;
    throw e;
  });
  return state.pending;
}

/**
 * Whether `'webgpu'` can be used here: resolves once the device is ready (or known to be absent).
 *
 * @example
 * import { webgpuAvailable } from '@graft/backend-webgpu';
 * const device = (await webgpuAvailable()) ? 'webgpu' : 'cpu';
 */
export async function webgpuAvailable(): Promise<boolean> {
  await state.pending?.catch(() => undefined);
  return state.backend !== undefined && !state.backend.isLost;
}

/**
 * The adapter's info (vendor, architecture, description, whether it is a
 * software fallback) and the device's limits, for display; undefined without WebGPU.
 *
 * @example
 * import { webgpuInfo } from '@graft/backend-webgpu';
 * const info = webgpuInfo();
 * console.log(info?.adapter.isFallbackAdapter ? 'software WebGPU' : 'hardware WebGPU');
 */
export function webgpuInfo(): WebGpuInfo | undefined {
  const b = state.backend;
  return b === undefined ? undefined : { adapter: b.adapterInfo, limits: b.limits };
}

/** Registers 'webgpu' (priority -1, as WebGL: where '@graft/backend-cpu' is imported too, the CPU stays the default). */
export function register(): void {
  registerBackend(
    'webgpu',
    () => {
      if (state.backend !== undefined) return state.backend;
      if (state.reason === undefined && state.pending !== undefined) {
        throw new Error(
          "@graft/backend-webgpu: the WebGPU device is not ready yet: `await webgpuAvailable()` before the first use of 'webgpu'",
        );
      }
      throw new Error(
        `@graft/backend-webgpu: no WebGPU device here (${state.reason ?? 'initWebGpu() has not finished'}). ` +
          "In a browser, WebGPU needs a secure context (https or localhost) and a browser that ships it; in Node, call initWebGpu({ gpu, globals }) with the 'webgpu' package's create() and globals first.",
      );
    },
    { priority: -1, isAvailable: () => state.backend !== undefined },
  );
}
