/**
 * The initialisers of `nn.init` that build structure or shape a
 * distribution: `truncNormal_`, `orthogonal_`, `eye_`, `dirac_`, `sparse_`.
 * Each draws exactly what PyTorch's draws, from the same generator stream,
 * so a seeded initialisation equals PyTorch's (the arithmetic after the
 * draws — erfinv, QR — is done on the host in float64).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';

/** Writes host values into `t` (no gradient recorded). */
function fill(t: Tensor, values: ArrayLike<number>): Tensor {
  return g.noGrad(() => {
    const src = g.tensor(Array.from(values), { dtype: t.dtype, device: t.device }).reshape(t.shape as number[]);
    t.copy_(src);
    src.dispose();
    return t;
  });
}

function checkFloating(op: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new TypeError(`${op}: expected a floating tensor, got ${t.dtype}`);
}

/** The inverse error function in float64: Giles' single-precision start, then Newton steps to full precision. */
export function erfinv(y: number): number {
  if (Number.isNaN(y) || y < -1 || y > 1) return Number.NaN;
  if (y === 1) return Infinity;
  if (y === -1) return -Infinity;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941])
      p = c + p * w;
    x = p * y;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682])
      p = c + p * w;
    x = p * y;
  }
  // Newton steps; in the tails on erfc(|x|) = 1 − |y| (exact in float64), which keeps the relative precision there.
  const slope = (v: number) => (2 / Math.sqrt(Math.PI)) * Math.exp(-v * v);
  if (Math.abs(y) <= 0.5) {
    for (let i = 0; i < 3; i++) x -= (erf(x) - y) / slope(x);
    return x;
  }
  const tail = 1 - Math.abs(y);
  let ax = Math.abs(x);
  // Giles' start can be 1e-5 off out here: iterate to convergence (a handful of steps).
  for (let i = 0; i < 50; i++) {
    const step = (erfcPositive(ax) - tail) / slope(ax);
    ax += step;
    if (Math.abs(step) <= 1e-16 * ax) break;
  }
  return y < 0 ? -ax : ax;
}

/** erf in float64 (W. J. Cody's rational approximations), for erfinv's Newton steps. */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const num = (((0.18577770618460315 * t + 3.1611237438705655) * t + 113.86415415105016) * t + 377.485237685302) * t + 3209.3775891384694;
    const den = (((t + 23.601290952344122) * t + 244.02463793444417) * t + 1282.6165260773723) * t + 2844.236833439171;
    return (x * num) / den;
  }
  return x < 0 ? -(1 - erfcPositive(ax)) : 1 - erfcPositive(ax);
}

function erfcPositive(x: number): number {
  if (x > 27) return 0;
  let r: number;
  if (x < 4) {
    const p = [
      0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707, 2051.0783778260716,
      1230.3393547979972, 2.1531153547440383e-8,
    ];
    const q = [
      15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
      3439.3676741437216, 1230.3393548037495,
    ];
    let num = p[8]! * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + p[i]!) * x;
      den = (den + q[i]!) * x;
    }
    r = (num + p[7]!) / (den + q[7]!);
  } else {
    // The continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), converged by 60 terms for x ≥ 4.
    let tail = x;
    for (let k = 60; k >= 1; k--) tail = x + k / 2 / tail;
    r = 1 / Math.sqrt(Math.PI) / tail;
  }
  // exp(−x²) split as PyTorch's reference (Cody) does, to keep the low bits.
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq) * Math.exp(-del) * r;
}

/** Options of `truncNormal_` (PyTorch's keyword arguments). */
export interface TruncNormalOptions {
  /** Draw from this generator instead of the default one (PyTorch 2.x's `generator=`). */
  generator?: g.Generator;
  mean?: number;
  std?: number;
  /** Lower cut (default -2). */
  a?: number;
  /** Upper cut (default 2). */
  b?: number;
}

let warnedTruncNormal = false;

/**
 * Fills with N(mean, std²) truncated to [a, b], by PyTorch's inverse-CDF
 * method: one uniform draw per element in [2Φ(a′) − 1, 2Φ(b′) − 1], then
 * erfinv, scaled, shifted and clamped — the same draws as PyTorch's.
 *
 * @example
 * truncNormal_(w, 0, 0.02);
 * truncNormal_(w, { std: 0.02, a: -0.04, b: 0.04 });
 */
export function truncNormal_(
  t: Tensor,
  mean?: number,
  std?: number,
  a?: number,
  b?: number,
  options?: Pick<TruncNormalOptions, 'generator'>,
): Tensor;
export function truncNormal_(t: Tensor, options?: TruncNormalOptions): Tensor;
export function truncNormal_(t: Tensor, ...rest: unknown[]): Tensor {
  const {
    mean = 0,
    std = 1,
    a = -2,
    b = 2,
    generator,
  } = keywordArguments<TruncNormalOptions>('truncNormal_', rest, ['mean', 'std', 'a', 'b', 'generator']);
  checkFloating('truncNormal_', t);
  if ((mean < a - 2 * std || mean > b + 2 * std) && !warnedTruncNormal) {
    warnedTruncNormal = true;
    console.warn('UserWarning: mean is more than 2 std from [a, b] in nn.init.trunc_normal_. The distribution of values may be incorrect.');
  }
  const cdf = (x: number) => (1 + erf(x / Math.SQRT2)) / 2;
  const l = cdf((a - mean) / std);
  const u = cdf((b - mean) / std);
  g.noGrad(() => t.uniform_(2 * l - 1, 2 * u - 1, { generator }));
  const drawn = t.dataSync() as ArrayLike<number>;
  const single = t.dtype === 'float32';
  const round = single ? Math.fround : (x: number) => x;
  const scale = round(std * Math.SQRT2);
  const shift = round(mean);
  const out = new Float64Array(drawn.length);
  for (let i = 0; i < drawn.length; i++) {
    const v = round(round(round(erfinv(drawn[i]!)) * scale) + shift);
    out[i] = Math.min(Math.max(v, a), b);
  }
  return fill(t, out);
}

/**
 * Fills a 2-D tensor with the identity (ones on the diagonal, zeros elsewhere).
 *
 * @example
 * eye_(g.empty(3, 5));
 */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new Error(`eye_: Only tensors with 2 dimensions are supported (got shape [${t.shape.join(', ')}])`);
  const [rows, cols] = t.shape as [number, number];
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) out[i * cols + i] = 1;
  return fill(t, out);
}

/** Options of `dirac_`. */
export interface DiracOptions {
  /** Output channels are split into this many groups, each an identity (default 1). */
  groups?: number;
}

/**
 * Fills a 3-, 4- or 5-D convolution weight with the Dirac delta: the
 * convolution then passes its input's channels through (per group).
 *
 * @example
 * dirac_(g.empty(4, 2, 3, 3), { groups: 2 });
 */
export function dirac_(t: Tensor, groups?: number): Tensor;
export function dirac_(t: Tensor, options?: DiracOptions): Tensor;
export function dirac_(t: Tensor, ...rest: unknown[]): Tensor {
  const { groups = 1 } = keywordArguments<DiracOptions>('dirac_', rest, ['groups']);
  const dims = t.ndim;
  if (dims < 3 || dims > 5)
    throw new Error(`dirac_: Only tensors with 3, 4, or 5 dimensions are supported (got shape [${t.shape.join(', ')}])`);
  const sizes = t.shape as number[];
  if (!Number.isSafeInteger(groups) || groups < 1 || sizes[0]! % groups !== 0)
    throw new Error(`dirac_: dim 0 must be divisible by groups (got ${sizes[0]} output channels and groups=${groups})`);
  const perGroup = sizes[0]! / groups;
  const minDim = Math.min(perGroup, sizes[1]!);
  const strides = sizes.map((_, i) => sizes.slice(i + 1).reduce((x, y) => x * y, 1));
  const centre = sizes.slice(2).map((s) => Math.floor(s / 2));
  const out = new Float64Array(t.numel());
  for (let grp = 0; grp < groups; grp++) {
    for (let d = 0; d < minDim; d++) {
      const index = [grp * perGroup + d, d, ...centre];
      out[index.reduce((acc, v, i) => acc + v * strides[i]!, 0)] = 1;
    }
  }
  return fill(t, out);
}

/** Options of `orthogonal_`. */
export interface OrthogonalOptions {
  /** Scale of the result (default 1). */
  gain?: number;
  /** Draw from this generator instead of the default one (PyTorch 2.x's `generator=`). */
  generator?: g.Generator;
}

/**
 * Thin QR of a column-major m×n matrix (m ≥ n) by modified Gram–Schmidt
 * with one re-orthogonalisation, in float64. R's diagonal comes out
 * positive, so Q is the one PyTorch's `q·sign(diag(r))` yields from any
 * QR (LAPACK's included) for a full-rank matrix.
 */
function orthonormalColumns(cols: Float64Array[], m: number): Float64Array[] {
  const q: Float64Array[] = [];
  for (const col of cols) {
    const v = Float64Array.from(col);
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i]! * v[i]!;
        for (let i = 0; i < m; i++) v[i]! -= dot * u[i]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i]! * v[i]!;
    norm = Math.sqrt(norm);
    // A zero column (a rank-deficient draw, probability 0) gives a zero column, as sign(0) = 0 does in PyTorch.
    for (let i = 0; i < m; i++) v[i] = norm > 0 ? v[i]! / norm : 0;
    q.push(v);
  }
  return q;
}

/**
 * Fills with a (semi-)orthogonal matrix, as PyTorch's: the tensor viewed
 * as [rows, numel/rows] gets Q of the QR of a standard normal draw of that
 * shape (transposed when wide), with R's diagonal made positive, times
 * `gain`. The draw is PyTorch's; the QR is computed on the host in float64.
 *
 * @example
 * orthogonal_(g.empty(4, 6));
 * orthogonal_(w, { gain: calculateGain('relu') });
 */
export function orthogonal_(t: Tensor, gain?: number, options?: Pick<OrthogonalOptions, 'generator'>): Tensor;
export function orthogonal_(t: Tensor, options?: OrthogonalOptions): Tensor;
export function orthogonal_(t: Tensor, ...rest: unknown[]): Tensor {
  const { gain = 1, generator } = keywordArguments<OrthogonalOptions>('orthogonal_', rest, ['gain', 'generator']);
  checkFloating('orthogonal_', t);
  if (t.ndim < 2) throw new Error(`orthogonal_: Only tensors with 2 or more dimensions are supported (got shape [${t.shape.join(', ')}])`);
  if (t.numel() === 0) return t;
  const rows = t.shape[0]!;
  const cols = t.numel() / rows;
  const flat = g.noGrad(() => g.empty([rows, cols], { dtype: t.dtype }).normal_(0, 1, { generator }));
  const values = flat.dataSync() as ArrayLike<number>;
  flat.dispose();
  // The matrix to factor is tall: [rows, cols], or its transpose when rows < cols. Its columns:
  const wide = rows < cols;
  const m = wide ? cols : rows;
  const n = wide ? rows : cols;
  const columns = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = wide ? values[j * cols + i]! : values[i * cols + j]!;
    return c;
  });
  const q = orthonormalColumns(columns, m);
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      if (wide) out[j * cols + i] = q[j]![i]! * gain;
      else out[i * cols + j] = q[j]![i]! * gain;
    }
  }
  return fill(t, out);
}

/** Options of `sparse_`. */
export interface SparseOptions {
  /** The standard deviation of the non-zero values (default 0.01). */
  std?: number;
  /** Draw from this generator instead of the default one (PyTorch 2.x's `generator=`). */
  generator?: g.Generator;
}

/**
 * Fills a 2-D tensor with N(0, std²) values, then zeroes ⌈sparsity·rows⌉
 * entries of each column, chosen as PyTorch does (one `randperm(rows)` per
 * column, from the same generator stream).
 *
 * @example
 * sparse_(g.empty(10, 4), 0.3);
 * sparse_(w, 0.1, { std: 0.02 });
 */
export function sparse_(t: Tensor, sparsity: number, std?: number, options?: Pick<SparseOptions, 'generator'>): Tensor;
export function sparse_(t: Tensor, sparsity: number, options?: SparseOptions): Tensor;
export function sparse_(t: Tensor, sparsity: number, ...rest: unknown[]): Tensor {
  const { std = 0.01, generator } = keywordArguments<SparseOptions>('sparse_', rest, ['std', 'generator']);
  if (t.ndim !== 2) throw new Error(`sparse_: Only tensors with 2 dimensions are supported (got shape [${t.shape.join(', ')}])`);
  checkFloating('sparse_', t);
  if (typeof sparsity !== 'number' || Number.isNaN(sparsity))
    throw new TypeError(`sparse_: sparsity must be a number, got ${String(sparsity)}`);
  const [rows, cols] = t.shape as [number, number];
  const zeros = Math.ceil(sparsity * rows);
  g.noGrad(() => t.normal_(0, std, { generator }));
  const values = Float64Array.from(t.dataSync() as ArrayLike<number>);
  for (let c = 0; c < cols; c++) {
    const perm = g.randperm(rows, { generator });
    const order = perm.dataSync() as ArrayLike<number>;
    perm.dispose();
    for (let k = 0; k < zeros; k++) values[Number(order[k]) * cols + c] = 0;
  }
  return fill(t, values);
}
