/**
 * The options table's rows (options-cases.ts) for `g.linalg` and the legacy
 * top-level linear algebra: each is called with a misspelt key and must throw
 * naming the op and the key.
 */
import * as g from '@graft/core';
import type { OptionsEntry } from './options-cases.js';

const spd = () =>
  g.tensor([
    [4, 1],
    [1, 3],
  ]);

/**
 * One row per options-taking linear algebra function and method
 * (`linalg.solveTriangular`, whose options hold the required `upper`, is
 * checked in linalg-cases.ts).
 */
export const linalgOptionsTable: OptionsEntry[] = [
  { name: 'linalg.solve', op: 'linalg.solve', key: 'Left', call: (o) => g.linalg.solve(spd(), spd(), o) },
  { name: 'linalg.solveEx', op: 'linalg.solve_ex', key: 'check_errors', call: (o) => g.linalg.solveEx(spd(), spd(), o) },
  { name: 'linalg.cholesky', op: 'linalg.cholesky', key: 'lower', call: (o) => g.linalg.cholesky(spd(), o) },
  { name: 'linalg.choleskyEx', op: 'linalg.cholesky_ex', key: 'checkError', call: (o) => g.linalg.choleskyEx(spd(), o) },
  { name: 'linalg.qr', op: 'linalg.qr', key: 'mod', call: (o) => g.linalg.qr(spd(), o) },
  { name: 'linalg.eigh', op: 'linalg.eigh', key: 'uplo', call: (o) => g.linalg.eigh(spd(), o) },
  { name: 'linalg.eigvalsh', op: 'linalg.eigvalsh', key: 'upper', call: (o) => g.linalg.eigvalsh(spd(), o) },
  { name: 'linalg.svd', op: 'linalg.svd', key: 'full_matrices', call: (o) => g.linalg.svd(spd(), o) },
  { name: 'linalg.svdvals', op: 'linalg.svdvals', key: 'drivers', call: (o) => g.linalg.svdvals(spd(), o) },
  { name: 'linalg.invEx', op: 'linalg.inv_ex', key: 'check_errors', call: (o) => g.linalg.invEx(spd(), o) },
  { name: 'linalg.pinv', op: 'linalg.pinv', key: 'rcnd', call: (o) => g.linalg.pinv(spd(), o) },
  { name: 'linalg.matrixRank', op: 'linalg.matrix_rank', key: 'tolerance', call: (o) => g.linalg.matrixRank(spd(), o) },
  { name: 'linalg.lstsq', op: 'linalg.lstsq', key: 'drivr', call: (o) => g.linalg.lstsq(spd(), spd(), o) },
  { name: 'linalg.vectorNorm', op: 'linalg.vector_norm', key: 'keepDims', call: (o) => g.linalg.vectorNorm(spd(), o) },
  { name: 'linalg.matrixNorm', op: 'linalg.matrix_norm', key: 'p', call: (o) => g.linalg.matrixNorm(spd(), o) },
  { name: 'linalg.norm', op: 'linalg.norm', key: 'p', call: (o) => g.linalg.norm(spd(), o) },
  { name: 'linalg.cross', op: 'linalg.cross', key: 'axis', call: (o) => g.linalg.cross(g.ones(3), g.ones(3), o) },
  { name: 'linalg.diagonal', op: 'linalg.diagonal', key: 'diagonal', call: (o) => g.linalg.diagonal(spd(), o) },
  { name: 'cholesky', op: 'cholesky', key: 'lower', call: (o) => g.cholesky(spd(), o) },
  { name: 'Tensor.cholesky', op: 'cholesky', key: 'lower', call: (o) => spd().cholesky(o) },
  { name: 'qr', op: 'qr', key: 'mode', call: (o) => g.qr(spd(), o) },
  { name: 'Tensor.qr', op: 'qr', key: 'mode', call: (o) => spd().qr(o) },
  { name: 'svd', op: 'svd', key: 'compute_uv', call: (o) => g.svd(spd(), o) },
  { name: 'Tensor.svd', op: 'svd', key: 'compute_uv', call: (o) => spd().svd(o) },
  { name: 'pinverse', op: 'pinverse', key: 'rtol', call: (o) => g.pinverse(spd(), o) },
  { name: 'Tensor.pinverse', op: 'pinverse', key: 'rtol', call: (o) => spd().pinverse(o) },
];
