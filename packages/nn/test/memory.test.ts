/**
 * The layers and functions of @graft/nn free what they make on the way, so a
 * program that disposes only its own tensors leaks nothing (see
 * Module.call and the note at the top of functional.ts).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { nn, Module } from '../src/index.js';
import { layerFreesIntermediates } from '../src/module.js';

const CONTAINERS = new Set<unknown>([nn.Module, nn.Sequential, nn.ModuleList]);

describe('nn frees its own intermediates', () => {
  it('every layer class of the package (not the containers) runs its forward in a memory scope', () => {
    const layers = Object.values(nn).filter(
      (v): v is typeof Module => typeof v === 'function' && v.prototype instanceof Module && !CONTAINERS.has(v),
    );
    expect(layers.length).toBeGreaterThan(25);
    const missing = layers.filter((c) => !layerFreesIntermediates(c)).map((c) => c.name);
    expect(missing).toEqual([]);
    for (const c of CONTAINERS) expect(layerFreesIntermediates(c as object)).toBe(false);
  });

  it('a layer call leaves only its outputs alive (what the graph saves goes with them)', () => {
    g.manualSeed(0);
    const cases: [Module, () => g.Tensor, number][] = [
      [new nn.Linear(4, 3), () => g.randn(2, 4), 1],
      [new nn.LayerNorm([4]), () => g.randn(2, 4), 1],
      [new nn.LSTM(4, 3), () => g.randn(5, 2, 4), 3],
      [new nn.GELU({ approximate: 'tanh' }), () => g.randn(2, 4), 1],
      [new nn.Conv2d(1, 2, 3), () => g.randn(1, 1, 5, 5), 1],
      [new nn.CrossEntropyLoss(), () => g.randn(3, 4), 1],
    ];
    for (const [layer, input, outputs] of cases) {
      const x = input();
      const args = layer instanceof nn.CrossEntropyLoss ? [x, g.tensor([0, 1, 3], { dtype: 'int32' })] : [x];
      const before = g.memory().numTensors;
      const inference = g.noGrad(() => layer.call(...args));
      expect(g.memory().numTensors - before, `${layer.constructor.name} without grad`).toBe(outputs);
      ([inference].flat(3) as g.Tensor[]).forEach((t) => t.dispose());
      const out = layer.call(...args);
      ([out].flat(3) as g.Tensor[]).forEach((t) => t.dispose());
      expect(g.memory().numTensors, `${layer.constructor.name} with grad, after disposing its outputs`).toBe(before);
    }
  });

  it('a functional call leaves only its output alive', () => {
    const x = g.randn(3, 4, { requiresGrad: true });
    const w = g.randn(5, 4, { requiresGrad: true });
    const target = g.tensor([0, 2, 4], { dtype: 'int32' });
    const logits = g.randn(3, 5, { requiresGrad: true });
    const y = g.randn(3, 4);
    const calls: [string, () => g.Tensor][] = [
      ['linear', () => nn.F.linear(x, w)],
      ['gelu', () => nn.F.gelu(x)],
      ['layerNorm', () => nn.F.layerNorm(x, [4])],
      ['crossEntropy', () => nn.F.crossEntropy(logits, target, { labelSmoothing: 0.1 })],
      ['dropout', () => nn.F.dropout(x, 0.5)],
      ['mseLoss', () => nn.F.mseLoss(x, y)],
    ];
    for (const [name, call] of calls) {
      const before = g.memory().numTensors;
      g.noGrad(call).dispose();
      expect(g.memory().numTensors, `${name} without grad, after disposing its output`).toBe(before);
      const inference = g.noGrad(call);
      expect(g.memory().numTensors - before, `${name} without grad`).toBe(1);
      inference.dispose();
      call().dispose();
      expect(g.memory().numTensors, `${name} with grad, after disposing its output`).toBe(before);
    }
  });

  it('Module.zeroGrad frees the gradients it drops', () => {
    const layer = new nn.Linear(4, 3);
    const x = g.randn(2, 4);
    const step = () => g.tidy(() => layer.call(x).sum().backward());
    step();
    layer.zeroGrad();
    const before = g.memory().numTensors;
    for (let i = 0; i < 50; i++) {
      step();
      layer.zeroGrad();
    }
    expect(g.memory().numTensors).toBe(before);
  });
});
