/**
 * The symmetric eigendecomposition and the singular value decomposition of
 * one matrix, in doubles, by Jacobi rotations: cyclic two-sided Jacobi for
 * `eigh` and one-sided (Hestenes) Jacobi for the SVD. Both are accurate to
 * the last bits in every singular value or eigenvalue relative to the
 * matrix's norm, and simple; the sizes the host linear algebra runs on make
 * their O(n³)-per-sweep cost irrelevant. Matrices are contiguous row-major
 * Float64Arrays.
 */

const EPS = 2 ** -52;
const MAX_SWEEPS = 80;

/** A = V·diag(values)·Vᵀ for symmetric A: `values` ascending, `vectors` n×n with the eigenvectors as columns. */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

/**
 * The eigendecomposition of the symmetric matrix whose `lower` (or upper)
 * triangle is that of `a` (the other triangle is not read, as LAPACK's syevd
 * with uplo 'L' or 'U'), eigenvalues in ascending order.
 */
export function symmetricEigen(a: Float64Array, n: number, lower: boolean): SymmetricEigen {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const fromLower = i >= j ? a[i * n + j]! : a[j * n + i]!;
      const fromUpper = i <= j ? a[i * n + j]! : a[j * n + i]!;
      s[i * n + j] = lower ? fromLower : fromUpper;
    }
  }
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = s[p * n + q]!;
        const app = s[p * n + p]!;
        const aqq = s[q * n + q]!;
        // Converged for this pair when the off-diagonal entry is negligible next to both diagonal ones.
        if (!(Math.abs(apq) > EPS * Math.sqrt(Math.abs(app * aqq))) || apq === 0) continue;
        rotated = true;
        const theta = (aqq - app) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < n; k++) {
          const akp = s[k * n + p]!;
          const akq = s[k * n + q]!;
          s[k * n + p] = c * akp - sn * akq;
          s[k * n + q] = sn * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = s[p * n + k]!;
          const aqk = s[q * n + k]!;
          s[p * n + k] = c * apk - sn * aqk;
          s[q * n + k] = sn * apk + c * aqk;
        }
        s[p * n + q] = 0;
        s[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - sn * vkq;
          v[k * n + q] = sn * vkp + c * vkq;
        }
      }
    }
    if (!rotated) break;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => s[i * n + i]! - s[j * n + j]! || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((from, to) => {
    values[to] = s[from * n + from]!;
    for (let k = 0; k < n; k++) vectors[k * n + to] = v[k * n + from]!;
  });
  return { values, vectors };
}

/** A = U·diag(s)·Vh: `s` descending (k = min(m, n) values), U m×uCols, Vh vRows×n. */
export interface SVD {
  u: Float64Array;
  s: Float64Array;
  vh: Float64Array;
  uCols: number;
  vRows: number;
}

/**
 * The singular value decomposition of the m×n matrix `a`: with `full`, U is
 * m×m and Vh n×n (completed with orthonormal columns where A does not
 * determine them), otherwise U is m×k and Vh k×n. Non-finite entries throw
 * PyTorch's error (LAPACK's gesdd does not converge on them).
 */
export function svd(a: Float64Array, m: number, n: number, full: boolean, op = 'linalg.svd'): SVD {
  for (let i = 0; i < m * n; i++) {
    if (!Number.isFinite(a[i]!)) {
      throw new Error(`${op}: The algorithm failed to converge because the input matrix contained non-finite values.`);
    }
  }
  if (m < n) {
    // A = (Aᵀ)ᵀ = (U'·S·V'ᵀ)ᵀ = V'·S·U'ᵀ.
    const at = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j]!;
    const t = svd(at, n, m, full, op);
    return { u: transposeOf(t.vh, t.vRows, m), s: t.s, vh: transposeOf(t.u, n, t.uCols), uCols: t.vRows, vRows: t.uCols };
  }
  // m ≥ n: rotate pairs of columns of A (and of V) until every pair is orthogonal.
  const k = n;
  const cols = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(m);
    for (let i = 0; i < m; i++) c[i] = a[i * n + j]!;
    return c;
  });
  const vcols = Array.from({ length: n }, (_, j) => {
    const c = new Float64Array(n);
    c[j] = 1;
    return c;
  });
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const x = cols[p]!;
        const y = cols[q]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < m; i++) {
          alpha += x[i]! * x[i]!;
          beta += y[i]! * y[i]!;
          gamma += x[i]! * y[i]!;
        }
        if (gamma === 0 || !(Math.abs(gamma) > EPS * Math.sqrt(alpha * beta))) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(x, y, c, s);
        rotate(vcols[p]!, vcols[q]!, c, s);
      }
    }
    if (!rotated) break;
  }
  const norms = cols.map(norm2);
  const order = Array.from({ length: n }, (_, j) => j).sort((i, j) => norms[j]! - norms[i]! || i - j);
  const s = Float64Array.from(order, (j) => norms[j]!);
  const uCols = full ? m : k;
  const ucols: Float64Array[] = [];
  for (const j of order) {
    const norm = norms[j]!;
    ucols.push(norm > 0 ? cols[j]!.map((v) => v / norm) : new Float64Array(m));
  }
  // Columns A leaves undetermined (a zero singular value, or beyond k in the full U): any orthonormal completion.
  const basis = ucols.filter((_, i) => s[i]! > 0);
  const u = new Float64Array(m * uCols);
  for (let j = 0; j < uCols; j++) {
    const col = j < k && s[j]! > 0 ? ucols[j]! : completion(basis, m);
    if (!(j < k && s[j]! > 0)) basis.push(col);
    for (let i = 0; i < m; i++) u[i * uCols + j] = col[i]!;
  }
  const vh = new Float64Array(n * n);
  order.forEach((from, to) => {
    const vc = vcols[from]!;
    for (let i = 0; i < n; i++) vh[to * n + i] = vc[i]!;
  });
  return { u, s, vh, uCols, vRows: n };
}

/** The Euclidean norm, scaled so that no square overflows or underflows. */
function norm2(x: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) scale = Math.max(scale, Math.abs(x[i]!));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i]! / scale) ** 2;
  return scale * Math.sqrt(s);
}

function rotate(x: Float64Array, y: Float64Array, c: number, s: number): void {
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    x[i] = c * xi - s * yi;
    y[i] = s * xi + c * yi;
  }
}

function transposeOf(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/**
 * A unit vector of length m orthogonal to every vector of `basis` (fewer than
 * m orthonormal vectors): the standard basis vector that keeps the most of
 * its norm after Gram–Schmidt (applied twice), normalised.
 */
function completion(basis: readonly Float64Array[], m: number): Float64Array {
  let best = new Float64Array(m);
  let bestNorm = -1;
  for (let e = 0; e < m; e++) {
    const r = new Float64Array(m);
    r[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let d = 0;
        for (let i = 0; i < m; i++) d += b[i]! * r[i]!;
        for (let i = 0; i < m; i++) r[i]! -= d * b[i]!;
      }
    }
    const norm = norm2(r);
    if (norm > bestNorm + 1e-12) {
      best = r;
      bestNorm = norm;
    }
  }
  return best.map((v) => v / bestNorm);
}
