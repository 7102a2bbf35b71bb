import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { Dropout, F, init } from '../src/index.js';
import fixture from './fixtures/random-generator.json' with { type: 'json' };

// nn.init's generator= (PyTorch 2.x) and a generator for dropout (a Graft extension), against PyTorch 1.13
// computing each function's definition with that generator (scripts/fixtures/generate_random.py). The
// generator ends where PyTorch's does, and the default generator is not touched.

const values = (t: g.Tensor) => Array.from(t.dataSync());
const close = (a: number[], b: number[], tol: number) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i]!)));
};
const byName = new Map(fixture.cases.map((c) => [c.name, c]));
const fixtureCase = (name: string) => byName.get(name) ?? expect.fail(`no fixture case ${name}`);

const inits: [string, (w: g.Tensor, generator: g.Generator) => unknown][] = [
  ['uniform_', (w, generator) => init.uniform_(w, -0.5, 0.5, { generator })],
  ['normal_', (w, generator) => init.normal_(w, { mean: 0.1, std: 0.02, generator })],
  ['xavierUniform_', (w, generator) => init.xavierUniform_(w, { generator })],
  ['xavierNormal_', (w, generator) => init.xavierNormal_(w, 1, { generator })],
  ['kaimingUniform_', (w, generator) => init.kaimingUniform_(w, Math.sqrt(5), 'fan_in', 'leaky_relu', { generator })],
  ['kaimingNormal_', (w, generator) => init.kaimingNormal_(w, { mode: 'fan_out', nonlinearity: 'relu', generator })],
];

describe('nn.init draws from a given generator', () => {
  for (const [name, fn] of inits) {
    it(name, () => {
      const c = fixtureCase(`init.${name}`);
      g.manualSeed(0);
      const gen = new g.Generator().manualSeed(3);
      const w = g.empty(6, 5);
      fn(w, gen);
      close(values(w), c.values, 1e-6);
      close(values(g.rand(5, { generator: gen })), c.after, 0);
      close(values(g.rand(5)), c.afterDefault, 0);
    });
  }
  it('a misspelt generator key is an error', () => {
    expect(() => init.uniform_(g.empty(2), { generater: new g.Generator() } as never)).toThrow(/generator/);
  });
});

describe('dropout draws its mask from a given generator', () => {
  const c = fixtureCase('dropout');
  const x = () => g.arange(12, { dtype: 'float32' }).reshape(3, 4).add(1);
  it('F.dropout', () => {
    g.manualSeed(0);
    const gen = new g.Generator().manualSeed(4);
    close(values(F.dropout(x(), c.p!, true, false, { generator: gen })), c.values, 1e-6);
    close(values(g.rand(5, { generator: gen })), c.after, 0);
    close(values(g.rand(5)), c.afterDefault, 0);
  });
  it('Dropout', () => {
    g.manualSeed(0);
    const d = new Dropout(c.p!, { generator: new g.Generator().manualSeed(4) });
    close(values(d.call(x()) as g.Tensor), c.values, 1e-6);
    close(values(g.rand(5, { generator: d.generator })), c.after, 0);
    close(values(g.rand(5)), c.afterDefault, 0);
    expect(String(d)).toBe('Dropout(p=0.3, inplace=False)');
  });
});
