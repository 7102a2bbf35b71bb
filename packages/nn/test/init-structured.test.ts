import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { init } from '../src/index.js';
import { erfinv } from '../src/init-structured.js';
import fixture from './fixtures/activations-losses.json' with { type: 'json' };
import { decode, type Encoded, expectClose } from './fixture-cases.js';

interface InitCase {
  name: string;
  fn: string;
  shape: number[];
  dtype: string;
  seed: number;
  args: unknown[];
  kwargs: Record<string, unknown>;
  out: Encoded;
  next: Encoded;
}

const initializers = init as unknown as Record<string, (t: g.Tensor, ...args: unknown[]) => g.Tensor>;

describe('nn.init against PyTorch: the seeded values, and the generator left where PyTorch leaves it', () => {
  for (const c of fixture.init as InitCase[]) {
    it(c.name, () => {
      g.manualSeed(c.seed);
      const t = g.empty(c.shape, { dtype: c.dtype as g.DType });
      const args = Object.keys(c.kwargs).length > 0 ? [...c.args, c.kwargs] : c.args;
      const out = initializers[c.fn]!(t, ...args);
      expect(out).toBe(t);
      // Normal draws agree to ~1e-6·std (PyTorch's vectorised float32 log/sin/cos; a float32 θ near a zero of cos);
      // erfinv and the QR run in float64 here and in float32 in PyTorch.
      const loose = c.dtype === 'float32' && (c.fn === 'truncNormal_' || c.fn === 'orthogonal_');
      const looser = loose && c.fn === 'orthogonal_'; // float32 LAPACK on a 20×20 draw: ~1e-6 relative error times its condition number
      expectClose(
        t,
        c.out,
        looser ? 1e-5 : loose ? 2e-6 : c.dtype === 'float32' ? 1e-6 : 1e-14,
        looser ? 1e-5 : c.dtype === 'float32' ? 1e-6 : 1e-14,
        c.name,
      );
      expectClose(g.rand(3), c.next, 0, 0, 'the next draws');
    });
  }

  it('calculateGain for every nonlinearity', () => {
    for (const [nl, param, gain] of fixture.gains as [init.Nonlinearity, number | null, number][]) {
      expect(init.calculateGain(nl, param)).toBeCloseTo(gain, 15);
    }
    expect(() => init.calculateGain('swish' as never)).toThrow('calculateGain: Unsupported nonlinearity swish');
  });

  it('erfinv on the host is correct to float64 precision', () => {
    const x = decode(fixture.erfinv.x as Encoded);
    const values = Array.from(x.dataSync() as Float64Array, erfinv);
    // The reference is torch.erfinv refined by Newton on Python's math.erf/erfc (torch's is 1e-6 off by 1 − 1e-13).
    expectClose(g.tensor(values, { dtype: 'float64' }), fixture.erfinv.y as Encoded, 1e-14, 1e-300, 'erfinv');
    expect(erfinv(0.9999999999)).toBe(4.572824958544925);
  });

  it('orthogonal_ gives orthonormal rows or columns', () => {
    g.manualSeed(0);
    const w = init.orthogonal_(g.empty([5, 8], { dtype: 'float64' }));
    expectClose(w.matmul(w.t()), { dtype: 'float64', shape: [5, 5], data: Array.from(g.eye(5).dataSync(), Number) }, 0, 1e-12);
  });

  it('{ generator } draws from that generator and leaves the default one alone', () => {
    const draws: [string, (t: g.Tensor, o: { generator?: g.Generator }) => g.Tensor, number[]][] = [
      ['truncNormal_', (t, o) => init.truncNormal_(t, { std: 0.5, ...o }), [4, 5]],
      ['orthogonal_', (t, o) => init.orthogonal_(t, o), [3, 5]],
      ['sparse_', (t, o) => init.sparse_(t, 0.5, o), [6, 3]],
    ];
    for (const [name, f, shape] of draws) {
      g.manualSeed(21);
      const expected = Array.from(f(g.empty(shape), {}).dataSync());
      g.manualSeed(5);
      const before = Array.from(g.rand(4).dataSync());
      g.manualSeed(5);
      const got = Array.from(f(g.empty(shape), { generator: new g.Generator().manualSeed(21) }).dataSync());
      expect(got, name).toEqual(expected);
      expect(Array.from(g.rand(4).dataSync()), `${name} left the default generator alone`).toEqual(before);
    }
  });

  it('errors name the initialiser and the shape', () => {
    expect(() => init.eye_(g.empty(2, 2, 2))).toThrow('eye_: Only tensors with 2 dimensions are supported (got shape [2, 2, 2])');
    expect(() => init.dirac_(g.empty(2, 2))).toThrow('dirac_: Only tensors with 3, 4, or 5 dimensions are supported');
    expect(() => init.dirac_(g.empty(3, 2, 3), 2)).toThrow('dirac_: dim 0 must be divisible by groups');
    expect(() => init.orthogonal_(g.empty(3))).toThrow('orthogonal_: Only tensors with 2 or more dimensions are supported');
    expect(() => init.sparse_(g.empty(3), 0.5)).toThrow('sparse_: Only tensors with 2 dimensions are supported');
    expect(() => init.truncNormal_(g.empty(3), { sd: 1 } as never)).toThrow(/sd/);
    expect(init.orthogonal_(g.empty(0, 3)).shape).toEqual([0, 3]);
  });
});
