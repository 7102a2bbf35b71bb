/**
 * Elementwise kernels. The hot ops get explicit loops over contiguous rows
 * (V8 compiles each to a tight loop); the rest go through a per-op function.
 * Inputs are walked row by row over their strides: no copies.
 */
import { numel, type BinaryOp, type DType, type TypedArray, type UnaryOp, type View } from '@graft/core/backend';
import { address, alloc, arr, checkView, freeScratch, type Handle, scratch } from '../heap.js';
import { memory, wasmKernels } from '../wasm/module.js';
import { ELEMENTWISE_GRAIN, parallelRanges, TRANSCENDENTAL_GRAIN } from '../threads/parallel.js';
import { collapse, forEachRow, isDense } from '../strided.js';
import { WasmOperands } from './wasm-operands.js';
import {
  erf,
  erfForF32,
  expForF32,
  expm1For32,
  expm1For64,
  log1pFor32,
  log1pFor64,
  fmod as cFmod,
  pow as cPow,
  roundHalfEven,
  sigmoid32,
  sigmoid64,
  sign,
  tanh32,
  tanh64,
} from './math.js';
import {
  cosh32,
  cosh64,
  digamma32,
  digamma64,
  erfc32,
  erfc64,
  erfinv32,
  erfinv64,
  lgamma32,
  lgamma64,
  sinh32,
  sinh64,
  trigamma32,
  trigamma64,
  zeta,
} from './special.js';

type Arr = TypedArray;

/** Each op as a scalar function on doubles (the float64 and integer results; see UNARY_FLOAT32 for float32). */
const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign,
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  exp: Math.exp,
  expm1: expm1For64,
  log: Math.log,
  log1p: log1pFor64,
  sin: Math.sin,
  cos: Math.cos,
  tanh: tanh64,
  sigmoid: sigmoid64,
  relu: (x) => (x < 0 ? 0 : x),
  erf,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (x !== x ? 1 : 0),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  trunc: Math.trunc,
  sinh: sinh64,
  cosh: cosh64,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  log2: Math.log2,
  log10: Math.log10,
  exp2: (x) => 2 ** x,
  erfc: erfc64,
  erfinv: erfinv64,
  lgamma: lgamma64,
  digamma: digamma64,
  trigamma: trigamma64,
};

/** The ops whose float32 results follow PyTorch's float32 evaluation (its saturation points), not the double's. */
const UNARY_FLOAT32: Partial<Record<UnaryOp, (x: number) => number>> = {
  erf: erfForF32,
  // The wasm kernel's e^x (rounded to float32 on store): the same bits on every path.
  exp: expForF32,
  // PyTorch's float32 rsqrt is 1 / sqrt(x) with the root rounded to float32 first.
  rsqrt: (x) => 1 / Math.fround(Math.sqrt(x)),
  expm1: expm1For32,
  log1p: log1pFor32,
  tanh: tanh32,
  sigmoid: sigmoid32,
  sinh: sinh32,
  cosh: cosh32,
  erfc: erfc32,
  erfinv: erfinv32,
  lgamma: lgamma32,
  digamma: digamma32,
  trigamma: trigamma32,
};

/** A contiguous loop (out[oo..oo+n) from x[xo..xo+n)) for the ops that dominate training; false when there is none. */
function unaryFast(op: UnaryOp, x: Arr, xo: number, out: Arr, oo: number, n: number, float32: boolean): boolean {
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[oo + i] = -x[xo + i]!;
      return true;
    case 'exp':
      if (float32) for (let i = 0; i < n; i++) out[oo + i] = expForF32(x[xo + i]!);
      else for (let i = 0; i < n; i++) out[oo + i] = Math.exp(x[xo + i]!);
      return true;
    case 'log':
      for (let i = 0; i < n; i++) out[oo + i] = Math.log(x[xo + i]!);
      return true;
    case 'square':
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[oo + i] = v * v;
      }
      return true;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[oo + i] = Math.sqrt(x[xo + i]!);
      return true;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[xo + i]!;
        out[oo + i] = v < 0 ? 0 : v;
      }
      return true;
    case 'tanh':
      if (float32) for (let i = 0; i < n; i++) out[oo + i] = tanh32(x[xo + i]!);
      else for (let i = 0; i < n; i++) out[oo + i] = tanh64(x[xo + i]!);
      return true;
    case 'sigmoid':
      if (float32) for (let i = 0; i < n; i++) out[oo + i] = sigmoid32(x[xo + i]!);
      else for (let i = 0; i < n; i++) out[oo + i] = sigmoid64(x[xo + i]!);
      return true;
    // The rest as the table computes them, each at a call site of its own (the table's functions through
    // one site cost a megamorphic call per element).
    case 'expm1':
      if (float32) for (let i = 0; i < n; i++) out[oo + i] = expm1For32(x[xo + i]!);
      else for (let i = 0; i < n; i++) out[oo + i] = expm1For64(x[xo + i]!);
      return true;
    case 'log1p':
      if (float32) for (let i = 0; i < n; i++) out[oo + i] = log1pFor32(x[xo + i]!);
      else for (let i = 0; i < n; i++) out[oo + i] = log1pFor64(x[xo + i]!);
      return true;
    case 'abs':
      for (let i = 0; i < n; i++) out[oo + i] = Math.abs(x[xo + i]!);
      return true;
    case 'floor':
      for (let i = 0; i < n; i++) out[oo + i] = Math.floor(x[xo + i]!);
      return true;
    case 'ceil':
      for (let i = 0; i < n; i++) out[oo + i] = Math.ceil(x[xo + i]!);
      return true;
    case 'trunc':
      for (let i = 0; i < n; i++) out[oo + i] = Math.trunc(x[xo + i]!);
      return true;
    case 'sin':
      for (let i = 0; i < n; i++) out[oo + i] = Math.sin(x[xo + i]!);
      return true;
    case 'cos':
      for (let i = 0; i < n; i++) out[oo + i] = Math.cos(x[xo + i]!);
      return true;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[oo + i] = 1 / x[xo + i]!;
      return true;
    case 'sign':
      for (let i = 0; i < n; i++) out[oo + i] = sign(x[xo + i]!);
      return true;
    case 'logicalNot':
      for (let i = 0; i < n; i++) out[oo + i] = +(x[xo + i]! === 0);
      return true;
    default:
      return false;
  }
}

/** The wasm unary ops that cost tens of operations an element: split across threads sooner, and worth a copy through scratch. */
const TRANSCENDENTAL_OPS: ReadonlySet<UnaryOp> = new Set(['tanh', 'sigmoid', 'exp', 'erf']);
const WASM_UNARY: Partial<Record<UnaryOp, number>> = { neg: 0, abs: 1, square: 2, sqrt: 3, relu: 4, tanh: 5, sigmoid: 6, exp: 7, erf: 8 };

/**
 * Elements from which a float32 tanh or sigmoid that the in-place SIMD path
 * cannot take (a plain array below the wasm heap's threshold, or a strided
 * view such as one gate of an LSTM's chunked gates) is copied densely into
 * wasm scratch for the SIMD kernel and back: its polynomial costs ~3 ns an
 * element there, against ~16 ns for JavaScript's Math.tanh and ~50 ns for the
 * same float32 steps emulated in JavaScript; the copies cost ~1 ns.
 */
const SCRATCH_TRANSCENDENTAL_MIN = 16;

/** `unary_f32` on any float32 view through wasm scratch; false (nothing written) without scratch memory. */
function unaryViaScratch(code: number, x: View<Handle>, outH: Handle, n: number): boolean {
  const bytes = 8 * n; // input, then output (the kernel's pointers are restrict: no aliasing)
  const ptr = scratch(bytes);
  if (ptr < 0) return false;
  try {
    const buffer = memory!.buffer;
    const input = new Float32Array(buffer, ptr, n);
    const src = arr(x.handle);
    if (isDense(x)) input.set(src.subarray(x.offset, x.offset + n));
    else {
      const c = collapse(x.shape, [x.strides]);
      const inner = c.shape[c.shape.length - 1]!;
      const stride = c.strides[0]![c.shape.length - 1]!;
      forEachRow(c, [x.offset], (o, r) => {
        for (let i = 0, s = o[0]!, d = r * inner; i < inner; i++, s += stride) input[d + i] = src[s]!;
      });
    }
    wasmKernels()!.unary_f32(code, ptr, ptr + 4 * n, n);
    arr(outH).set(new Float32Array(buffer, ptr + 4 * n, n));
  } finally {
    freeScratch(ptr, bytes);
  }
  return true;
}

export function unary(op: UnaryOp, x: View<Handle>, outDtype: DType): Handle {
  const n = numel(x.shape);
  const outH = alloc(outDtype, n);
  const wasm = wasmKernels();
  const code = WASM_UNARY[op];
  const float32 = outDtype === 'float32' && x.dtype === 'float32';
  if (wasm !== undefined && code !== undefined && float32 && isDense(x)) {
    checkView('unary', x); // wasm reads n elements from a raw address
    const src = address(x.handle, x.offset);
    const dst = address(outH, 0);
    if (src >= 0 && dst >= 0) {
      const grain = TRANSCENDENTAL_OPS.has(op) ? TRANSCENDENTAL_GRAIN : ELEMENTWISE_GRAIN;
      parallelRanges(n, grain, (start, count) => ({
        kernel: 'unary_f32',
        args: [code, src + 4 * start, dst + 4 * start, count],
      }));
      return outH;
    }
  }
  if (wasm !== undefined && float32 && TRANSCENDENTAL_OPS.has(op) && n >= SCRATCH_TRANSCENDENTAL_MIN) {
    // Not taken in place above (a plain array or a strided view): through scratch.
    checkView('unary', x);
    if (unaryViaScratch(WASM_UNARY[op]!, x, outH, n)) return outH;
  }
  const out = arr(outH);
  const src = arr(x.handle);
  const c = collapse(x.shape, [x.strides]);
  const outFloat32 = outDtype === 'float32';
  const f = (outFloat32 ? UNARY_FLOAT32[op] : undefined) ?? UNARY[op];
  const inner = c.shape[c.shape.length - 1]!;
  const stride = c.strides[0]![c.shape.length - 1]!;
  if (c.shape.length === 1 && stride === 1) {
    if (!unaryFast(op, src, x.offset, out, 0, n, outFloat32)) for (let i = 0; i < n; i++) out[i] = f(src[x.offset + i]!);
    return outH;
  }
  forEachRow(c, [x.offset], (o, r) => {
    let s = o[0]!;
    const base = r * inner;
    if (stride === 1 && unaryFast(op, src, s, out, base, inner, outFloat32)) return;
    for (let i = 0; i < inner; i++, s += stride) out[base + i] = f(src[s]!);
  });
  return outH;
}

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: cPow,
  maximum: Math.max,
  minimum: Math.min,
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  logicalAnd: (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  logicalOr: (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  atan2: Math.atan2,
  hypot: Math.hypot,
  zeta,
  // int32 operands (core sends bool ones to the logical ops).
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
};

/**
 * One row of a binary op: out[oo + i] = a[ao + i*as] op b[bo + i*bs].
 * Explicit loops for add/sub/mul/div on unit and zero strides.
 */
function binaryRow(
  op: BinaryOp,
  f: (a: number, b: number) => number,
  a: Arr,
  ao: number,
  as: number,
  b: Arr,
  bo: number,
  bs: number,
  out: Arr,
  oo: number,
  n: number,
): void {
  if (as === 1 && bs === 1 && ao === 0 && bo === 0 && oo === 0) {
    // The common case gets index arithmetic V8 can fully optimise.
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
        return;
      case 'sub':
        for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
        return;
      case 'mul':
        for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
        return;
      case 'div':
        for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
        return;
    }
  } else if (as === 1 && bs === 0 && ao === 0 && oo === 0) {
    const v = b[bo]!;
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[i] = a[i]! + v;
        return;
      case 'sub':
        for (let i = 0; i < n; i++) out[i] = a[i]! - v;
        return;
      case 'mul':
        for (let i = 0; i < n; i++) out[i] = a[i]! * v;
        return;
      case 'div':
        for (let i = 0; i < n; i++) out[i] = a[i]! / v;
        return;
    }
  }
  if (as === 1 && bs === 1) {
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + b[bo + i]!;
        return;
      case 'sub':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - b[bo + i]!;
        return;
      case 'mul':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! * b[bo + i]!;
        return;
      case 'div':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! / b[bo + i]!;
        return;
    }
  } else if (as === 1 && bs === 0) {
    const v = b[bo]!;
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! + v;
        return;
      case 'sub':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! - v;
        return;
      case 'mul':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! * v;
        return;
      case 'div':
        for (let i = 0; i < n; i++) out[oo + i] = a[ao + i]! / v;
        return;
    }
  } else if (as === 0 && bs === 1) {
    const v = a[ao]!;
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++) out[oo + i] = v + b[bo + i]!;
        return;
      case 'sub':
        for (let i = 0; i < n; i++) out[oo + i] = v - b[bo + i]!;
        return;
      case 'mul':
        for (let i = 0; i < n; i++) out[oo + i] = v * b[bo + i]!;
        return;
      case 'div':
        for (let i = 0; i < n; i++) out[oo + i] = v / b[bo + i]!;
        return;
    }
  }
  // Any other strides (a transposed gradient, say): still explicit loops for the hot ops.
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = a[ao]! + b[bo]!;
      return;
    case 'sub':
      for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = a[ao]! - b[bo]!;
      return;
    case 'mul':
      for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = a[ao]! * b[bo]!;
      return;
    case 'div':
      for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = a[ao]! / b[bo]!;
      return;
  }
  const loop = ROW_LOOPS[op];
  if (loop !== undefined) loop(a, ao, as, b, bo, bs, out, oo, n);
  else for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = f(a[ao]!, b[bo]!);
}

/** One row of a binary op through strides: out[oo + i] = a[ao + i·as] op b[bo + i·bs]. */
type RowLoop = (a: Arr, ao: number, as: number, b: Arr, bo: number, bs: number, out: Arr, oo: number, n: number) => void;

/**
 * Explicit loops for the cheap ops. The table's functions (`BINARY`) called
 * per element from one call site make that site megamorphic: V8 then calls
 * each through a stub, 15–25 ns an element, where a comparison or a max is
 * one instruction (`x.gt(0)` on 800 K floats: 21 ms against PyTorch's 0.9).
 * Each loop here is its own function, its operation inlined (Math.max and
 * Math.min too: a known builtin at a call site of its own), the same results.
 * Comparisons are written `+(a > b)`, not `a > b ? 1 : 0`: V8 compiles the
 * conditional to a branch, which random data mispredicts half the time (6 ms
 * against 1.6 for 800 K floats); the conversion of the boolean has none.
 */
const ROW_LOOPS: Partial<Record<BinaryOp, RowLoop>> = {
  maximum: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = Math.max(a[ao]!, b[bo]!);
  },
  minimum: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = Math.min(a[ao]!, b[bo]!);
  },
  eq: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! === b[bo]!);
  },
  ne: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! !== b[bo]!);
  },
  lt: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! < b[bo]!);
  },
  le: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! <= b[bo]!);
  },
  gt: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! > b[bo]!);
  },
  ge: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! >= b[bo]!);
  },
  logicalAnd: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! !== 0) & +(b[bo]! !== 0);
  },
  logicalOr: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = +(a[ao]! !== 0) | +(b[bo]! !== 0);
  },
  bitwiseAnd: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = a[ao]! & b[bo]!;
  },
  bitwiseOr: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = a[ao]! | b[bo]!;
  },
  bitwiseXor: (a, ao, as, b, bo, bs, out, oo, n) => {
    for (let i = 0; i < n; i++, ao += as, bo += bs) out[oo + i] = a[ao]! ^ b[bo]!;
  },
};

function isScalar(v: View<Handle>): boolean {
  for (let d = 0; d < v.strides.length; d++) if (v.strides[d] !== 0 && v.shape[d] !== 1) return false;
  return true;
}

/** A number operand becomes a one-element array with stride 0, rounded to the dtype of the tensor operand. */
function scalarView(v: number, dtype: DType, shape: readonly number[]): View<Handle> {
  const arr =
    dtype === 'float64'
      ? new Float64Array([v])
      : dtype === 'float32'
        ? new Float32Array([v])
        : dtype === 'int32'
          ? new Int32Array([v])
          : new Uint8Array([v ? 1 : 0]);
  return { handle: arr, dtype, shape, strides: shape.map(() => 0), offset: 0 };
}

const WASM_BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5 };

/** The SIMD kernel for dense float32 operands in wasm memory; false when it does not apply. */
function binaryWasm(op: BinaryOp, a: View<Handle> | number, b: View<Handle> | number, outH: Handle, n: number): boolean {
  const wasm = wasmKernels();
  const code = WASM_BINARY[op];
  if (wasm === undefined || code === undefined || n < 1024) return false;
  const dst = address(outH, 0);
  if (dst < 0) return false;
  const dense = (v: View<Handle> | number): v is View<Handle> => typeof v !== 'number' && v.dtype === 'float32' && isDense(v);
  if (dense(a) && dense(b)) {
    checkView('binary', a); // wasm reads n elements of each from raw addresses
    checkView('binary', b);
    const pa = address(a.handle, a.offset);
    const pb = address(b.handle, b.offset);
    if (pa < 0 || pb < 0) return false;
    parallelRanges(n, ELEMENTWISE_GRAIN, (start, count) => ({
      kernel: 'binary_f32',
      args: [code, pa + 4 * start, pb + 4 * start, dst + 4 * start, count],
    }));
    return true;
  }
  const scalarOf = (v: View<Handle> | number): number | undefined =>
    typeof v === 'number' ? v : v.dtype === 'float32' && isScalar(v) ? arr(v.handle)[v.offset]! : undefined;
  for (const [t, s, left] of [
    [a, b, 0],
    [b, a, 1],
  ] as const) {
    const value = scalarOf(s);
    if (value !== undefined && dense(t)) {
      checkView('binary', t);
      const pt = address(t.handle, t.offset);
      if (pt < 0) return false;
      const scalar = Math.fround(value);
      parallelRanges(n, ELEMENTWISE_GRAIN, (start, count) => ({
        kernel: 'binary_scalar_f32',
        args: [code, pt + 4 * start, scalar, left, dst + 4 * start, count],
      }));
      return true;
    }
  }
  // A dense tensor and an operand that is constant along each of its rows (a convolution's bias
  // [1, O, 1, 1] on [N, O, H, W]: the scalar kernel per row) or whose rows are contiguous but repeat
  // or skip (a bias [C] on [N, C]: the SIMD kernel row by row, a 2-D collapse's rows in one call).
  for (const [t, s, left] of [
    [a, b, 0],
    [b, a, 1],
  ] as const) {
    if (typeof s === 'number' || typeof t === 'number' || s.dtype !== 'float32' || !dense(t) || t.shape.length !== s.shape.length) continue;
    const c = collapse(t.shape, [t.strides, s.strides]);
    const last = c.shape.length - 1;
    const inner = c.shape[last]!;
    const sInner = c.strides[1]![last]!;
    if (last === 0 || (sInner !== 0 && sInner !== 1) || inner < 16) continue;
    checkView('binary', t);
    checkView('binary', s);
    const pt = address(t.handle, 0);
    if (pt < 0) return false;
    const S = arr(s.handle);
    if (sInner === 0) {
      forEachRow(c, [t.offset, s.offset], (o, r) =>
        wasm.binary_scalar_f32(code, pt + 4 * o[0]!, Math.fround(S[o[1]!]!), left, dst + 4 * r * inner, inner),
      );
      return true;
    }
    // A small operand (a bias: a plain array, not in wasm memory) is copied into scratch for the call.
    const copied = address(s.handle, 0) < 0 && S.length <= n ? scratch(4 * S.length) : -1;
    const ps = copied >= 0 ? copied : address(s.handle, 0);
    if (ps < 0) return false;
    if (copied >= 0) new Float32Array(memory!.buffer, copied, S.length).set(S);
    const rowsAt = (o: readonly number[], r: number, rows: number, sStride: number): void => {
      const x = pt + 4 * o[0]!;
      const y = ps + 4 * o[1]!;
      // t's rows are consecutive (dense); s's are sStride apart.
      if (left === 0) wasm.binary_rows_f32(code, x, inner, y, sStride, dst + 4 * r * inner, rows, inner);
      else wasm.binary_rows_f32(code, y, sStride, x, inner, dst + 4 * r * inner, rows, inner);
    };
    if (last === 1) rowsAt([t.offset, s.offset], 0, c.shape[0]!, c.strides[1]![0]!);
    else forEachRow(c, [t.offset, s.offset], (o, r) => rowsAt(o, r, 1, 0));
    freeScratch(copied, 4 * S.length);
    return true;
  }
  // A scalar (a number, or one element expanded: the gradient of a sum or a mean) and an operand whose
  // rows are contiguous but repeat or skip (a weight [C] broadcast over [N, C]: what a norm's affine
  // backward meets first): the scalar kernel row by row.
  for (const [t, s, left] of [
    [a, b, 0],
    [b, a, 1],
  ] as const) {
    const value = scalarOf(s);
    if (value === undefined || typeof t === 'number' || t.dtype !== 'float32') continue;
    const c = collapse(t.shape, [t.strides]);
    const last = c.shape.length - 1;
    const inner = c.shape[last]!;
    if (last < 0 || c.strides[0]![last] !== 1 || inner < 16) continue;
    checkView('binary', t);
    const T = arr(t.handle);
    const copied = address(t.handle, 0) < 0 && T.length <= n ? scratch(4 * T.length) : -1;
    const pt = copied >= 0 ? copied : address(t.handle, 0);
    if (pt < 0) return false;
    if (copied >= 0) new Float32Array(memory!.buffer, copied, T.length).set(T);
    const scalar = Math.fround(value);
    forEachRow(c, [t.offset], (o, r) => wasm.binary_scalar_f32(code, pt + 4 * o[0]!, scalar, left, dst + 4 * r * inner, inner));
    freeScratch(copied, 4 * T.length);
    return true;
  }
  return false;
}

export function binary(
  op: BinaryOp,
  aIn: View<Handle> | number,
  bIn: View<Handle> | number,
  shape: readonly number[],
  outDtype: DType,
): Handle {
  const computeDtype = typeof aIn === 'number' ? (bIn as View<Handle>).dtype : aIn.dtype;
  const n = numel(shape);
  const outH = alloc(outDtype, n);
  if (n === 0) return outH;
  if (
    n < SMALL_BINARY_MAX &&
    outH instanceof Float32Array &&
    typeof aIn !== 'number' &&
    typeof bIn !== 'number' &&
    aIn.handle instanceof Float32Array &&
    bIn.handle instanceof Float32Array &&
    isDense(aIn) &&
    isDense(bIn) &&
    smallBinary32(op, aIn.handle, aIn.offset, bIn.handle, bIn.offset, outH, n)
  ) {
    return outH;
  }
  if (computeDtype === 'float32' && outDtype === 'float32' && binaryWasm(op, aIn, bIn, outH, n)) return outH;
  // int32 products must wrap like C, not round through doubles (core computes integer results that can leave int32 exactly, in float64).
  if (op === 'mul' && computeDtype === 'int32')
    binaryInto(outH, 'pow', Math.imul, aIn, bIn, shape); // 'pow' has no fast path: forces f
  else binaryInto(outH, op, BINARY[op], aIn, bIn, shape);
  return outH;
}

/** Below this many elements a dense float32 add, sub, mul or div is one JavaScript loop (the SIMD kernel starts at 1 024). */
const SMALL_BINARY_MAX = 1024;

/**
 * `a op b` on dense float32 arrays of n elements, false for other ops. Its
 * own function, only ever given Float32Arrays: the general loop above serves
 * every dtype and layout, and after a program has used many of them V8's code
 * for it reads elements through polymorphic loads (a small op's time rose by
 * a third after a training step had run in the same process).
 */
function smallBinary32(op: BinaryOp, a: Float32Array, ao: number, b: Float32Array, bo: number, out: Float32Array, n: number): boolean {
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! + b[bo + i]!;
      return true;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! - b[bo + i]!;
      return true;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! * b[bo + i]!;
      return true;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[ao + i]! / b[bo + i]!;
      return true;
    default:
      return false;
  }
}

/** C's fmod elementwise (the Backend's optional `fmod`: exact, for PyTorch's floor division). */
export function fmod(a: View<Handle>, b: View<Handle>, shape: readonly number[], dtype: DType): Handle {
  const outH = alloc(dtype, numel(shape));
  if (numel(shape) !== 0) binaryInto(outH, 'pow', cFmod, a, b, shape);
  return outH;
}

/** Writes `f` elementwise over broadcast operands into `outH`; `kernelOp` picks the explicit loops of the hot ops. */
function binaryInto(
  outH: Handle,
  kernelOp: BinaryOp,
  f: (a: number, b: number) => number,
  aIn: View<Handle> | number,
  bIn: View<Handle> | number,
  shape: readonly number[],
): void {
  const computeDtype = typeof aIn === 'number' ? (bIn as View<Handle>).dtype : aIn.dtype;
  const n = numel(shape);
  const a = typeof aIn === 'number' ? scalarView(aIn, computeDtype, shape) : aIn;
  const b = typeof bIn === 'number' ? scalarView(bIn, computeDtype, shape) : bIn;
  const out = arr(outH);
  const A = arr(a.handle);
  const B = arr(b.handle);
  const aDense = isDense(a);
  if (aDense && (isDense(b) || isScalar(b))) {
    binaryRow(kernelOp, f, A, a.offset, 1, B, b.offset, isScalar(b) ? 0 : 1, out, 0, n);
    return;
  }
  const c = collapse(shape, [a.strides, b.strides]);
  const last = c.shape.length - 1;
  const inner = c.shape[last]!;
  const as = c.strides[0]![last]!;
  const bs = c.strides[1]![last]!;
  if (last === 0) {
    binaryRow(kernelOp, f, A, a.offset, as, B, b.offset, bs, out, 0, n);
    return;
  }
  forEachRow(c, [a.offset, b.offset], (o, r) => binaryRow(kernelOp, f, A, o[0]!, as, B, o[1]!, bs, out, r * inner, inner));
}

export function where(
  cond: View<Handle>,
  aIn: View<Handle> | number,
  bIn: View<Handle> | number,
  shape: readonly number[],
  dtype: DType,
): Handle {
  const a = typeof aIn === 'number' ? scalarView(aIn, dtype, shape) : aIn;
  const b = typeof bIn === 'number' ? scalarView(bIn, dtype, shape) : bIn;
  const n = numel(shape);
  const outH = alloc(dtype, n);
  if (n === 0) return outH;
  if (dtype === 'float32' && whereWasm(cond, aIn, bIn, outH, n)) return outH;
  const out = arr(outH);
  const c = collapse(shape, [cond.strides, a.strides, b.strides]);
  const last = c.shape.length - 1;
  const inner = c.shape[last]!;
  const cs = c.strides[0]![last]!;
  const as = c.strides[1]![last]!;
  const bs = c.strides[2]![last]!;
  const C = arr(cond.handle);
  const A = arr(a.handle);
  const B = arr(b.handle);
  forEachRow(c, [cond.offset, a.offset, b.offset], (o, r) => {
    let co = o[0]!;
    let ao = o[1]!;
    let bo = o[2]!;
    const base = r * inner;
    for (let i = 0; i < inner; i++, co += cs, ao += as, bo += bs) out[base + i] = C[co] ? A[ao]! : B[bo]!;
  });
  return outH;
}

/**
 * `where` on float32 in wasm (`where_f32`, a select per element): a dense
 * condition in wasm memory, each value operand dense there or one value (a
 * number, or a view of one element expanded). False for anything else (the
 * JavaScript loop takes it) and below 1 024 elements.
 */
function whereWasm(cond: View<Handle>, aIn: View<Handle> | number, bIn: View<Handle> | number, outH: Handle, n: number): boolean {
  if (wasmKernels() === undefined || n < 1024 || cond.dtype !== 'bool' || !isDense(cond) || address(cond.handle, cond.offset) < 0)
    return false;
  const dst = address(outH, 0);
  if (dst < 0) return false;
  const ops = new WasmOperands();
  try {
    // [address, stride]: a dense operand in place, or one value (in scratch when it is a number or a plain array).
    const operand = (v: View<Handle> | number): [number, number] | undefined => {
      if (typeof v !== 'number' && isDense(v) && v.dtype === 'float32') {
        const at = address(v.handle, v.offset);
        return at >= 0 ? [at, 1] : undefined;
      }
      if (typeof v !== 'number' && !isScalar(v)) return undefined;
      const value = typeof v === 'number' ? v : arr(v.handle)[v.offset]!;
      const at = ops.take(4);
      if (at < 0) return undefined;
      new Float32Array(memory!.buffer, at, 1)[0] = value;
      return [at, 0];
    };
    const a = operand(aIn);
    const b = operand(bIn);
    if (a === undefined || b === undefined) return false;
    checkView('where', cond);
    for (const v of [aIn, bIn]) if (typeof v !== 'number') checkView('where', v);
    const c = address(cond.handle, cond.offset);
    parallelRanges(n, ELEMENTWISE_GRAIN, (start, count) => ({
      kernel: 'where_f32',
      args: [c + start, a[0] + 4 * a[1] * start, a[1], b[0] + 4 * b[1] * start, b[1], dst + 4 * start, count],
    }));
    return true;
  } finally {
    ops.finish(false);
  }
}

/**
 * PyTorch's threshold_backward (the optional kernel: relu's backward in one
 * pass): `source <= threshold ? 0 : grad`, on dense views of one float dtype.
 */
export function thresholdBackward(grad: View<Handle>, source: View<Handle>, threshold: number): Handle {
  const n = numel(grad.shape);
  const outH = alloc(grad.dtype, n);
  const out = arr(outH);
  const g = arr(grad.handle);
  const s = arr(source.handle);
  const go = grad.offset;
  const so = source.offset;
  // The threshold as the dtype holds it (a float32 comparison compares float32 values).
  const t = grad.dtype === 'float32' ? Math.fround(threshold) : threshold;
  const wasm = wasmKernels();
  const gAt = address(grad.handle, go);
  const sAt = address(source.handle, so);
  const outAt = address(outH, 0);
  if (wasm !== undefined && grad.dtype === 'float32' && source.dtype === 'float32' && gAt >= 0 && sAt >= 0 && outAt >= 0) {
    // The same comparison and bits in SIMD (the arrays are in wasm memory, read through raw addresses).
    checkView('thresholdBackward', grad);
    checkView('thresholdBackward', source);
    wasm.threshold_backward_f32(gAt, sAt, t, outAt, n);
    return outH;
  }
  for (let i = 0; i < n; i++) out[i] = s[so + i]! <= t ? 0 : g[go + i]!;
  return outH;
}

/**
 * PyTorch's tanh_backward (the optional kernel: tanh's backward in one pass):
 * `grad · (1 - y)(1 + y)` on dense views of one float dtype, each op rounded
 * to the dtype as core's composite rounds it (the same bits).
 */
export function tanhBackward(grad: View<Handle>, output: View<Handle>): Handle {
  const n = numel(grad.shape);
  const outH = alloc(grad.dtype, n);
  const out = arr(outH);
  const g = arr(grad.handle);
  const y = arr(output.handle);
  const go = grad.offset;
  const yo = output.offset;
  if (grad.dtype === 'float32') {
    const R = Math.fround;
    for (let i = 0; i < n; i++) {
      const v = y[yo + i]!;
      out[i] = g[go + i]! * R(R(1 - v) * R(1 + v));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = y[yo + i]!;
      out[i] = g[go + i]! * ((1 - v) * (1 + v));
    }
  }
  return outH;
}
