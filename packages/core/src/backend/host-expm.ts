/**
 * The matrix exponential of one matrix, in doubles: scaling and squaring with
 * Padé approximants of degree 3, 5, 7, 9 or 13 chosen from the 1-norm
 * (Higham, "The scaling and squaring method for the matrix exponential
 * revisited", SIAM J. Matrix Anal. Appl. 26 (2005)). Accurate to a few ulps
 * of the result's norm, as PyTorch's (Taylor-based) `matrix_exp`.
 */
import { luOf, luSolve } from './host-lu.js';

/** C = A·B for A m×k and B k×n, row-major. */
export function multiply(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p]!;
      if (aip === 0) continue;
      for (let j = 0; j < n; j++) c[i * n + j]! += aip * b[p * n + j]!;
    }
  }
  return c;
}

// Padé coefficients b_0 … b_m and the largest 1-norm each degree is accurate for in doubles (Higham 2005, Table 2.3).
const PADE: readonly (readonly [number, readonly number[]])[] = [
  [1.495585217958292e-2, [120, 60, 12, 1]],
  [2.53939833006323e-1, [30240, 15120, 3360, 420, 30, 1]],
  [9.504178996162932e-1, [17297280, 8648640, 1995840, 277200, 25200, 1512, 56, 1]],
  [2.097847961257068, [17643225600, 8821612800, 2075673600, 302702400, 30270240, 2162160, 110880, 3960, 90, 1]],
];
const THETA_13 = 5.371920351148152;
const B13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600, 670442572800, 33522128640,
  1323241920, 40840800, 960960, 16380, 182, 1,
];

/** exp(A) for the n×n matrix `a`: a 1×1 matrix by the scalar exp (as PyTorch); a larger one with non-finite entries gives NaN throughout. */
export function matrixExp(a: Float64Array, n: number): Float64Array {
  if (n === 0) return new Float64Array(0);
  if (n === 1) return Float64Array.of(Math.exp(a[0]!));
  let norm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]!);
    norm = Math.max(norm, s);
  }
  if (!Number.isFinite(norm)) return new Float64Array(n * n).fill(NaN);
  const eye = new Float64Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const axpy = (out: Float64Array, x: Float64Array, alpha: number) => {
    for (let i = 0; i < out.length; i++) out[i]! += alpha * x[i]!;
  };
  const a2full = multiply(a, a, n, n, n);
  for (const [theta, b] of PADE) {
    if (norm > theta) continue;
    // U = A·Σ b_{2j+1} A^{2j}, V = Σ b_{2j} A^{2j}.
    const u0 = new Float64Array(n * n);
    const v = new Float64Array(n * n);
    let power: Float64Array = eye;
    for (let j = 0; 2 * j < b.length; j++) {
      if (j > 0) power = multiply(power, a2full, n, n, n);
      axpy(v, power, b[2 * j]!);
      if (2 * j + 1 < b.length) axpy(u0, power, b[2 * j + 1]!);
    }
    return padeQuotient(multiply(a, u0, n, n, n), v, n);
  }
  const s = Math.max(0, Math.ceil(Math.log2(norm / THETA_13)));
  const scale = 2 ** -s;
  const as = a.map((x) => x * scale);
  const a2 = multiply(as, as, n, n, n);
  const a4 = multiply(a2, a2, n, n, n);
  const a6 = multiply(a4, a2, n, n, n);
  const b = B13;
  const inner = (c6: number, c4: number, c2: number) => {
    const t = new Float64Array(n * n);
    axpy(t, a6, c6);
    axpy(t, a4, c4);
    axpy(t, a2, c2);
    return multiply(a6, t, n, n, n);
  };
  const u1 = inner(b[13]!, b[11]!, b[9]!);
  axpy(u1, a6, b[7]!);
  axpy(u1, a4, b[5]!);
  axpy(u1, a2, b[3]!);
  axpy(u1, eye, b[1]!);
  const u = multiply(as, u1, n, n, n);
  const v = inner(b[12]!, b[10]!, b[8]!);
  axpy(v, a6, b[6]!);
  axpy(v, a4, b[4]!);
  axpy(v, a2, b[2]!);
  axpy(v, eye, b[0]!);
  let r = padeQuotient(u, v, n);
  for (let i = 0; i < s; i++) r = multiply(r, r, n, n, n);
  return r;
}

/** (V - U)⁻¹·(V + U). */
function padeQuotient(u: Float64Array, v: Float64Array, n: number): Float64Array {
  const p = v.map((x, i) => x + u[i]!);
  const q = v.map((x, i) => x - u[i]!);
  return luSolve(luOf(q, n), p, n, n);
}
