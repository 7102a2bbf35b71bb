/**
 * Householder QR of one matrix, in doubles, with LAPACK's conventions
 * (geqrf's reflectors from larfg, orgqr's Q), so that Q and R come out with
 * the signs PyTorch's CPU kernels give: R[k][k] = -sign(a)·‖x‖ for the column
 * x below the diagonal whose first entry is a, and no reflection (R[k][k] = a)
 * where x below a is zero. Optionally with column pivoting (geqp3), for
 * `lstsq`'s gelsy driver. Matrices are contiguous row-major Float64Arrays.
 */

/** The packed factorisation: R on and above the diagonal, the reflectors' vectors below it (their first entry, 1, implied). */
export interface HouseholderQR {
  qr: Float64Array;
  tau: Float64Array;
  m: number;
  n: number;
  /** With pivoting: column j of A·P is column perm[j] of A. */
  perm?: Int32Array;
}

/**
 * The QR factorisation of the m×n matrix `a` (not modified). With `pivot`,
 * each step first brings forward the remaining column of largest norm (the
 * first of equal ones), as LAPACK's geqp3.
 */
export function householderQr(a: Float64Array, m: number, n: number, pivot = false): HouseholderQR {
  const qr = Float64Array.from(a.subarray(0, m * n));
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const perm = pivot ? Int32Array.from({ length: n }, (_, j) => j) : undefined;
  for (let c = 0; c < k; c++) {
    if (perm !== undefined) {
      let best = c;
      let bestNorm = -1;
      for (let j = c; j < n; j++) {
        let s = 0;
        for (let i = c; i < m; i++) s += qr[i * n + j]! * qr[i * n + j]!;
        if (s > bestNorm) {
          bestNorm = s;
          best = j;
        }
      }
      if (best !== c) {
        for (let i = 0; i < m; i++) {
          const t = qr[i * n + c]!;
          qr[i * n + c] = qr[i * n + best]!;
          qr[i * n + best] = t;
        }
        const t = perm[c]!;
        perm[c] = perm[best]!;
        perm[best] = t;
      }
    }
    // larfg: the reflector H = I - tau·v·vᵀ with H·x = beta·e1.
    const alpha = qr[c * n + c]!;
    let scale = 0;
    for (let i = c + 1; i < m; i++) scale = Math.max(scale, Math.abs(qr[i * n + c]!));
    let xnorm = 0;
    if (scale > 0) {
      let s = 0;
      for (let i = c + 1; i < m; i++) s += (qr[i * n + c]! / scale) ** 2;
      xnorm = scale * Math.sqrt(s);
    }
    if (xnorm === 0) {
      tau[c] = 0;
      continue;
    }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, xnorm);
    tau[c] = (beta - alpha) / beta;
    const f = 1 / (alpha - beta);
    for (let i = c + 1; i < m; i++) qr[i * n + c]! *= f;
    qr[c * n + c] = beta;
    // Apply H to the remaining columns: A ← A - tau·v·(vᵀA).
    for (let j = c + 1; j < n; j++) {
      let w = qr[c * n + j]!;
      for (let i = c + 1; i < m; i++) w += qr[i * n + c]! * qr[i * n + j]!;
      w *= tau[c]!;
      if (w === 0) continue;
      qr[c * n + j]! -= w;
      for (let i = c + 1; i < m; i++) qr[i * n + j]! -= w * qr[i * n + c]!;
    }
  }
  return perm === undefined ? { qr, tau, m, n } : { qr, tau, m, n, perm };
}

/** The first `rows` rows of R (rows×n, zero below the diagonal). */
export function factorR(h: HouseholderQR, rows: number): Float64Array {
  const { qr, n } = h;
  const r = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) for (let j = i; j < n; j++) r[i * n + j] = qr[i * n + j]!;
  return r;
}

/** The first `cols` columns of Q = H₁·H₂·…·H_k (m×cols), as LAPACK's orgqr. */
export function factorQ(h: HouseholderQR, cols: number): Float64Array {
  const { qr, tau, m, n } = h;
  const q = new Float64Array(m * cols);
  for (let i = 0; i < Math.min(m, cols); i++) q[i * cols + i] = 1;
  for (let c = tau.length - 1; c >= 0; c--) applyReflector(qr, n, m, c, tau[c]!, q, cols);
  return q;
}

/** Qᵀ·B for B m×k (row-major), in place. */
export function applyQt(h: HouseholderQR, b: Float64Array, k: number): void {
  const { qr, tau, m, n } = h;
  for (let c = 0; c < tau.length; c++) applyReflector(qr, n, m, c, tau[c]!, b, k);
}

/** B ← H_c·B for the reflector stored in column c of `qr` (its vector is 1 at row c, then rows c+1… of the column). */
function applyReflector(qr: Float64Array, n: number, m: number, c: number, t: number, b: Float64Array, k: number): void {
  if (t === 0) return;
  for (let j = 0; j < k; j++) {
    let w = b[c * k + j]!;
    for (let i = c + 1; i < m; i++) w += qr[i * n + c]! * b[i * k + j]!;
    w *= t;
    if (w === 0) continue;
    b[c * k + j]! -= w;
    for (let i = c + 1; i < m; i++) b[i * k + j]! -= w * qr[i * n + c]!;
  }
}
