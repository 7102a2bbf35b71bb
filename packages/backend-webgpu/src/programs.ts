/**
 * WGSL programs of ours, run by tfjs-webgpu's `runWebGPUProgram`, for what its
 * kernels lack or compute differently from PyTorch: strided copies and writes,
 * elementwise ops read straight through views (broadcast, flipped, offset:
 * no copies), gather, scatter-add, scatter-reduce, constant padding, fill.
 *
 * Every program is flat: tfjs sees a rank-1 output of `size` elements and
 * rank-1 inputs (the whole storages), so its own helpers never meet a rank
 * above 6; coordinates and addresses are ours, from i32 uniforms (shapes,
 * strides, offsets), so one compiled pipeline serves every shape of a rank.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';

/** A program-defined uniform, in tfjs-webgpu's form. */
export interface Uniform {
  type: 'int32' | 'float32';
  data: number[];
}

/** One of our programs: flat over `size` outputs; `code` is the body of main(index) (index < size), after `helpers`. */
export class GraftProgram implements WebGPUProgram {
  readonly variableNames: string[];
  readonly outputShape: number[];
  shaderKey: string;
  readonly dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly uniforms: string | undefined;
  private readonly code: string;

  constructor(size: number, variableNames: string[], uniformFields: string[], helpers: string, body: string) {
    this.variableNames = variableNames;
    this.outputShape = [size];
    this.dispatchLayout = webgpu_util.flatDispatchLayout(this.outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, this.outputShape, this.workgroupSize);
    this.uniforms = uniformFields.length ? uniformFields.map((f) => `${f},`).join(' ') : undefined;
    this.code = `${helpers}
      fn main(index: i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`;
    // tfjs keys its pipeline cache by this (plus input ranks and dtypes): our code is the key.
    this.shaderKey = `graft:${this.uniforms ?? ''}${this.code}`;
  }

  getUserCode(): string {
    return this.code;
  }
}

/** Collects i32 uniforms (named fields) for one program. */
export class Uniforms {
  readonly fields: string[] = [];
  readonly values: Uniform[] = [];
  int(name: string, value: number): string {
    this.fields.push(`${name}: i32`);
    this.values.push({ type: 'int32', data: [value] });
    return `uniforms.${name}`;
  }
  float(name: string, value: number): string {
    this.fields.push(`${name}: f32`);
    this.values.push({ type: 'float32', data: [value] });
    return `uniforms.${name}`;
  }
}

/** A strided view as a program reads it: its storage's buffer name, offset and strides. */
export interface ViewLayout {
  shape: readonly number[];
  strides: readonly number[];
  offset: number;
}

/**
 * WGSL that splits `index` into coordinates c0…c(r-1) of `shape` (row-major),
 * with the sizes as uniforms named `${prefix}0…`.
 */
export function coordsCode(u: Uniforms, shape: readonly number[], prefix = 'o', index = 'index'): string {
  const rank = shape.length;
  if (rank === 0) return '';
  const lines = [`var rem_${prefix} = ${index};`];
  for (let d = rank - 1; d >= 1; d--) {
    const size = u.int(`${prefix}${d}`, shape[d]!);
    lines.push(`let ${prefix}c${d} = rem_${prefix} % ${size}; rem_${prefix} = rem_${prefix} / ${size};`);
  }
  lines.push(`let ${prefix}c0 = rem_${prefix};`);
  return lines.join('\n          ');
}

/**
 * The element address of `view` at coordinates `coords` (WGSL expressions, one
 * per dim): offset + Σ coords·strides, with the offset and strides as uniforms.
 */
export function addressCode(u: Uniforms, name: string, view: ViewLayout, coords: readonly string[]): string {
  const terms = [u.int(`${name}Off`, view.offset)];
  view.shape.forEach((_, d) => {
    if (view.strides[d] !== 0) terms.push(`${coords[d]} * ${u.int(`${name}S${d}`, view.strides[d]!)}`);
  });
  return terms.join(' + ');
}

/** The coordinate names `${prefix}c0…` of a rank. */
export function coordNames(rank: number, prefix = 'o'): string[] {
  return Array.from({ length: rank }, (_, d) => `${prefix}c${d}`);
}
