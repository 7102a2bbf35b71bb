/**
 * Linear algebra beyond the fixture table's forward/backward/leak checks
 * (which run linalg.json like every op file): finite-difference gradcheck of
 * every differentiable `g.linalg` case, gradgradcheck and forward mode on a
 * list of them, and the behaviour fixtures cannot express — errors raised in
 * backward, the determinant's gradient at a singular matrix under
 * `createGraph`, the defining identities of each decomposition on random
 * inputs, dtypes and named results.
 */
import type { Tensor } from '@graft/core';
import * as g from '@graft/core';
import { assertClose, assertEqual, assertThrows, fail } from './assert.js';
import { applyViews, casesNamed, decodeNumber, type EncodedArg, linalgCases, makeTensor, type OpCase } from './fixtures.js';
import type { TestApi } from './index.js';
import { callOp } from './op-runner.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
  supportsFloat64: boolean;
}

/**
 * Cases whose gradient is PyTorch's but not what finite differences measure,
 * so gradcheck skips them (the fixtures still compare them with PyTorch's):
 * a singular determinant (PyTorch's first-order gradient is 0 there), inputs
 * at a rank cut-off or truncated by a tolerance (PyTorch differentiates the
 * untruncated pseudo-inverse), non-smooth points of the norms, and
 * ill-conditioned matrices (condition 1e8: a step of 1e-6 is far outside the
 * linear regime).
 */
const NOT_SMOOTH = new Set([
  'solve ill-conditioned float64',
  'svdvals ill-conditioned',
  'det float64 ill-conditioned',
  'slogdet float64 ill-conditioned',
  'inv float64 ill-conditioned',
  'det singular',
  'det singular 3x3',
  'pinv rank-deficient',
  'pinv rank-deficient rtol',
  'pinv atol cuts',
  'pinv rcond',
  'pinverse rcond',
  'lstsq rank-deficient',
  'lstsq rank-deficient wide',
  'lstsq rcond',
  'lstsq gelsd rank-deficient',
  'vectorNorm at zero',
  'vectorNorm 0.5 at zero',
  'vectorNorm 3 at zero',
  'vectorNorm inf ties',
]);

/** linalg.json cases whose second derivatives gradgradcheck checks (an unknown name throws). */
export const LINALG_SECOND_ORDER_CASES: readonly string[] = [
  'solve 3x3',
  'solve vector',
  'solveTriangular lower',
  'cholesky 3x3',
  'qr 4x2',
  'qr 2x4',
  'eigh 3x3',
  'eigvalsh 3x3',
  'svd reduced 4x2',
  'svdvals 3x3',
  'det 3x3',
  'slogdet 3x3',
  'inv 3x3',
  'pinv 2x4',
  'lstsq tall',
  'matrixExp 3x3',
  'matrixPower -3',
  'vectorNorm ord 3',
  'matrixNorm nuc',
  'cond None',
  'cross 4x3',
  'diagonal offset',
  'multiDot 3 left',
];

/** linalg.json cases whose forward-mode derivatives (jvp, dual numbers) are checked against the Jacobian. */
export const LINALG_FORWARD_CASES: readonly string[] = [
  'solve 3x3',
  'cholesky 3x3',
  'qr 4x2',
  'eigh 3x3',
  'svd reduced 2x4',
  'det 3x3',
  'slogdet 3x3',
  'inv 3x3',
  'matrixExp 3x3',
  'vectorNorm ord 3',
];

/** Which triangle a case's op reads of its first argument, if it reads only one ('L' or 'U'). */
function readsTriangle(c: OpCase): 'L' | 'U' | undefined {
  const pos = c.args.slice(1).map((a) => ('value' in a ? a.value : undefined));
  switch (c.op) {
    case 'linalg.cholesky':
    case 'linalg.choleskyEx':
      return c.kwargs['upper'] === true ? 'U' : 'L';
    case 'cholesky':
      return c.kwargs['upper'] === true || pos[0] === true ? 'U' : 'L';
    case 'linalg.eigh':
    case 'linalg.eigvalsh':
      return c.kwargs['UPLO'] === 'U' || pos[0] === 'U' ? 'U' : 'L';
    case 'linalg.pinv':
      return c.kwargs['hermitian'] === true ? 'L' : undefined;
    default:
      return undefined;
  }
}

/** The symmetric matrix built from X's lower (or upper) triangle: what an op reading that triangle sees. */
function symmetrize(x: Tensor, triangle: 'L' | 'U'): Tensor {
  const n = x.shape[x.ndim - 1]!;
  const mask = g.tensor(
    Uint8Array.from({ length: n * n }, (_, k) => {
      const [i, j] = [Math.floor(k / n), k % n];
      return triangle === 'L' ? Number(i >= j) : Number(i <= j);
    }),
    { shape: [n, n], device: x.device },
  );
  const strict = g.tensor(
    Uint8Array.from({ length: n * n }, (_, k) => Number(Math.floor(k / n) !== k % n)),
    { shape: [n, n], device: x.device },
  );
  const half = g.where(mask, x, 0);
  return half.add(g.where(strict, half, 0).transpose(-2, -1));
}

/**
 * A case as a function of its float inputs (float64 leaves requiring grad),
 * returning its differentiable (processed) outputs; an op reading one
 * triangle of its matrix gets the symmetric matrix of that triangle (the
 * function gradcheck can differentiate, as PyTorch's hermitian wrapper).
 */
function asFunction(c: OpCase, device: string): { fn: (...xs: Tensor[]) => Tensor[]; inputs: Tensor[] } {
  const inputs: Tensor[] = [];
  const collect = (args: readonly EncodedArg[]) => {
    for (const a of args) {
      if ('tensor' in a && (a.tensor.dtype === 'float32' || a.tensor.dtype === 'float64')) {
        inputs.push(makeTensor(a.tensor, device, 'float64').requiresGrad_(true));
      } else if ('list' in a) collect(a.list);
    }
  };
  collect(c.args);
  const triangle = readsTriangle(c);
  const build = (xs: Tensor[], args: readonly EncodedArg[], k: { i: number }): unknown[] =>
    args.map((a) => {
      if ('tensor' in a) {
        if (a.tensor.dtype !== 'float32' && a.tensor.dtype !== 'float64') return applyViews(makeTensor(a.tensor, device), a.views);
        const first = k.i === 0;
        const x = applyViews(xs[k.i++]!, a.views);
        return first && triangle !== undefined ? symmetrize(x, triangle) : x;
      }
      if ('list' in a) return build(xs, a.list, k);
      if ('arange' in a) return g.arange(a.arange[0], a.arange[1], { dtype: a.dtype as never, device });
      return typeof a.value === 'string' ? decodeNumber(a.value) : a.value;
    });
  const fn = (...xs: Tensor[]) => callOp(c, build(xs, c.args, { i: 0 })).filter((o) => o.requiresGrad);
  return { fn, inputs };
}

const eye = (n: number, dtype: g.DType) => g.eye(n, { dtype });

export function linalgSuiteCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void) => t.it(name, () => ctx.inDevice(fn));
  const secondOrder = casesNamed('gradgradcheck (LINALG_SECOND_ORDER_CASES)', LINALG_SECOND_ORDER_CASES, linalgCases);
  const forward = casesNamed('forward mode (LINALG_FORWARD_CASES)', LINALG_FORWARD_CASES, linalgCases);
  const dtype: g.DType = ctx.supportsFloat64 ? 'float64' : 'float32';

  if (ctx.supportsFloat64) {
    t.describe(
      `conformance on '${ctx.device}': linear algebra: gradcheck of every differentiable case (float64 central differences)`,
      () => {
        for (const c of linalgCases) {
          if (c.grads === undefined || NOT_SMOOTH.has(c.name)) continue;
          it(`gradcheck ${c.name}`, () => {
            const f = asFunction(c, ctx.device);
            if (f.inputs.every((x) => x.numel() === 0)) return;
            g.autograd.gradcheck(f.fn, f.inputs, { eps: 1e-6, atol: 1e-5, rtol: 1e-3 });
          });
        }
      },
    );
    t.describe(`conformance on '${ctx.device}': linear algebra: gradgradcheck (second derivatives)`, () => {
      for (const c of secondOrder) {
        it(`gradgradcheck ${c.name}`, () => {
          const f = asFunction(c, ctx.device);
          g.autograd.gradgradcheck(f.fn, f.inputs, undefined, { atol: 1e-5, rtol: 1e-3 });
        });
      }
    });
    t.describe(`conformance on '${ctx.device}': linear algebra: forward mode agrees with the Jacobian`, () => {
      for (const c of forward) {
        it(`jvp = J·v for ${c.name}`, () => {
          const f = asFunction(c, ctx.device);
          // One output at a time: the jacobian of each against the jvp of each.
          const outs = g.noGrad(() => f.fn(...f.inputs));
          outs.forEach((out, o) => {
            const fn = (...xs: Tensor[]) => f.fn(...xs)[o]!;
            const vs = f.inputs.map((x) => g.randnLike(x));
            const jac = g.autograd.functional.jacobian(fn, f.inputs) as Tensor[];
            let expected = g.zeros(out.shape, { dtype: 'float64' });
            jac.forEach((J, i) => {
              expected = expected.add(J.reshape(out.numel(), -1).matmul(vs[i]!.reshape(-1)).reshape(out.shape));
            });
            const [, jv] = g.autograd.functional.jvp(fn, f.inputs, vs);
            assertClose(Array.from(jv.dataSync()), Array.from(expected.dataSync()), { atol: 1e-8, rtol: 1e-6 }, `jvp of output ${o}`);
          });
        });
      }
    });
  }

  t.describe(`conformance on '${ctx.device}': linear algebra behaviour`, () => {
    it('qr: backward with mode r, or complete on a tall matrix, raises PyTorch error', () => {
      const a = g.randn(4, 3, { dtype, requiresGrad: true });
      assertThrows(() => g.linalg.qr(a, 'r').R.sum().backward(), ["mode='r'", "linalg.qr(A, mode='reduced')"], 'mode r');
      assertThrows(
        () => g.linalg.qr(a, { mode: 'complete' }).Q.sum().backward(),
        ["The QR decomposition is not differentiable when mode='complete' and nrows > ncols."],
        'complete, tall',
      );
    });

    it("det at a singular matrix: 0 as PyTorch's first-order gradient, the adjugate under createGraph", () => {
      // PyTorch 1.13: torch.autograd.grad(det(A), A) is 0; with create_graph=True it is adj(A)ᵀ ([[4, -2], [-2, 1]] here).
      const a = g.tensor(
        [
          [1, 2],
          [2, 4],
        ],
        { dtype, requiresGrad: true },
      );
      const [first] = g.autograd.grad(g.linalg.det(a), a);
      assertClose(Array.from(first!.dataSync()), [0, 0, 0, 0], { atol: 0, rtol: 0 }, 'first order');
      const [second] = g.autograd.grad(g.linalg.det(a), a, { createGraph: true });
      assertClose(Array.from(second!.dataSync()), [4, -2, -2, 1], { atol: 1e-5, rtol: 1e-5 }, 'createGraph');
      // And the adjugate is itself differentiable: d/dA Σ adj(A)ᵀ = [[1, -1], [-1, 1]]ᵀ-weighted, here d(a22 - a21 - a12 + a11) / dA.
      const [hess] = g.autograd.grad(second!.sum(), a);
      assertClose(Array.from(hess!.dataSync()), [1, -1, -1, 1], { atol: 1e-5, rtol: 1e-5 }, 'second order');
    });

    it('a batch of singular and regular matrices: each its own determinant gradient under createGraph', () => {
      const a = g.tensor(
        [
          [
            [1, 2],
            [2, 4],
          ],
          [
            [2, 1],
            [1, 3],
          ],
        ],
        { dtype, requiresGrad: true },
      );
      const [grad] = g.autograd.grad(g.linalg.det(a).sum(), a, { createGraph: true });
      // adj(A)ᵀ: [[d, -c], [-b, a]].
      assertClose(Array.from(grad!.dataSync()), [4, -2, -2, 1, 3, -1, -1, 2], { atol: 1e-5, rtol: 1e-5 }, 'gradient');
    });

    it('errors name the op, the shapes and dtypes', () => {
      const i = g.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        { dtype: 'int32' },
      );
      for (const [name, fn] of [
        ['linalg.cholesky', () => g.linalg.cholesky(i)],
        ['linalg.eigh', () => g.linalg.eigh(i)],
        ['linalg.svd', () => g.linalg.svd(i)],
        ['linalg.qr', () => g.linalg.qr(i)],
        ['linalg.inv', () => g.linalg.inv(i)],
        ['linalg.det', () => g.linalg.det(i)],
        ['linalg.matrix_exp', () => g.linalg.matrixExp(i)],
      ] as const) {
        assertThrows(fn, [name, 'int32'], `${name} of int32`);
      }
      if (ctx.supportsFloat64) {
        assertThrows(() => g.linalg.solve(g.eye(2), g.ones(2, { dtype: 'float64' })), ['linalg.solve', 'float32', 'float64'], 'dtypes');
      }
      assertThrows(() => g.linalg.solve(g.eye(3), g.ones(2)), ['linalg.solve', 'Incompatible shapes', '3x3 and 2x1'], 'shapes');
      assertThrows(() => g.linalg.solveTriangular(g.eye(2), g.ones(2, 1), {} as never), ["'upper'"], 'upper is required');
      assertThrows(
        () => g.linalg.solveTriangular(g.eye(2), g.ones(2, 1), { upper: true, unitriangle: true } as never),
        ['linalg.solve_triangular', "'unitriangle'", 'unitriangular'],
        'a misspelt key',
      );
      assertThrows(
        () => g.linalg.choleskyEx(g.tensor([[-1]]), { checkErrors: true }),
        ['linalg.cholesky', 'leading minor of order 1'],
        'checkErrors',
      );
      assertThrows(
        () => g.linalg.solve(g.eye(2), g.ones(2), { left: false }),
        ['Vector broadcasting of B is not supported when left=False'],
        'left',
      );
      assertThrows(() => g.linalg.svd(g.ones(2, 2), { driver: 'gesvd' }), ['driver', 'CUDA'], 'driver');
      assertThrows(() => g.linalg.multiDot([g.ones(2, 2), g.ones(2, 2, 2)]), ['multi_dot()', 'must be 1D or 2D'], 'multiDot');
    });

    it('named results carry PyTorch field names', () => {
      const a = g.tensor(
        [
          [4, 1],
          [1, 3],
        ],
        { dtype },
      );
      const qr = g.linalg.qr(a);
      assertEqual(qr.Q === qr[0] && qr.R === qr[1], true, 'qr');
      const e = g.linalg.eigh(a);
      assertEqual(e.eigenvalues === e[0] && e.eigenvectors === e[1], true, 'eigh');
      const s = g.linalg.svd(a);
      assertEqual(s.U === s[0] && s.S === s[1] && s.Vh === s[2], true, 'svd');
      const d = g.linalg.slogdet(a);
      assertEqual(d.sign === d[0] && d.logabsdet === d[1], true, 'slogdet');
      const l = g.linalg.lstsq(a, a);
      assertEqual(l.solution === l[0] && l.residuals === l[1] && l.rank === l[2] && l.singularValues === l[3], true, 'lstsq');
      const c = g.linalg.choleskyEx(a);
      assertEqual(c.L === c[0] && c.info === c[1] && c.info.dtype === 'int32', true, 'choleskyEx');
      const v = g.svd(a);
      assertEqual(v.V === v[2], true, 'legacy svd');
      assertEqual(g.linalg.matrixRank(a).dtype, 'int32', 'matrixRank dtype');
      assertEqual(g.linalg.inv(a).dtype, dtype, 'dtype kept');
    });

    it('decompositions satisfy their identities on random matrices (batched, tall, wide, rank-deficient)', () => {
      g.manualSeed(7);
      const close = (x: Tensor, y: Tensor, what: string) =>
        assertClose(
          Array.from(x.dataSync()),
          Array.from(y.dataSync()),
          dtype === 'float64' ? { atol: 1e-10, rtol: 1e-9 } : { atol: 1e-4, rtol: 1e-4 },
          what,
        );
      for (const shape of [
        [3, 3],
        [5, 2],
        [2, 5],
        [2, 4, 3],
      ]) {
        const a = g.randn(shape, { dtype });
        const [m, n] = shape.slice(-2) as [number, number];
        const k = Math.min(m, n);
        const { U, S, Vh } = g.linalg.svd(a);
        close(U.transpose(-2, -1).matmul(U), eye(m, dtype).expand(U.shape), `svd U orthogonal ${shape}`);
        close(Vh.matmul(Vh.transpose(-2, -1)), eye(n, dtype).expand(Vh.shape), `svd Vh orthogonal ${shape}`);
        close(
          U.narrow(-1, 0, k)
            .mul(S.unsqueeze(-2))
            .matmul(Vh.narrow(-2, 0, k)),
          a,
          `svd reconstructs ${shape}`,
        );
        const { Q, R } = g.linalg.qr(a, 'complete');
        close(Q.matmul(R), a, `qr reconstructs ${shape}`);
        close(Q.transpose(-2, -1).matmul(Q), eye(m, dtype).expand(Q.shape), `qr Q orthogonal ${shape}`);
        close(g.linalg.pinv(a).matmul(a).matmul(g.linalg.pinv(a)), g.linalg.pinv(a), `pinv ${shape}`);
      }
      // Rank 2 of 5×4: full U and Vh are still orthogonal, and two singular values vanish.
      const low = g.randn(5, 2, { dtype }).matmul(g.randn(2, 4, { dtype }));
      const { U, S, Vh } = g.linalg.svd(low);
      close(U.transpose(-2, -1).matmul(U), eye(5, dtype), 'rank-deficient U orthogonal');
      close(Vh.matmul(Vh.transpose(-2, -1)), eye(4, dtype), 'rank-deficient Vh orthogonal');
      assertEqual(g.linalg.matrixRank(low).item(), 2, 'rank');
      assertClose(Array.from(S.narrow(0, 2, 2).dataSync()), [0, 0], { atol: dtype === 'float64' ? 1e-12 : 1e-4, rtol: 0 }, 'vanishing');
      const sym = g.randn(4, 4, { dtype });
      const A = sym.add(sym.T);
      const { eigenvalues: L, eigenvectors: V } = g.linalg.eigh(A);
      close(V.mul(L.unsqueeze(-2)).matmul(V.T), A, 'eigh reconstructs');
      const ls = Array.from(L.dataSync());
      if (ls.some((v, i) => i > 0 && v < ls[i - 1]!)) fail(`eigh: eigenvalues not ascending: ${ls}`);
      const spd = A.matmul(A.T).add(eye(4, dtype));
      const Lc = g.linalg.cholesky(spd);
      close(Lc.matmul(Lc.T), spd, 'cholesky reconstructs');
      close(g.linalg.matrixExp(A.mul(0.1)).matmul(g.linalg.matrixExp(A.mul(-0.1))), eye(4, dtype), 'exp(A)·exp(-A) = I');
    });
  });
}
