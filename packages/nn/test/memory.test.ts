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

const CONTAINERS = new Set<unknown>([nn.Module, nn.Sequential, nn.ModuleList, nn.ModuleDict, nn.ParameterList, nn.ParameterDict]);

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
      [new nn.LSTM(4, 3, { numLayers: 2, bidirectional: true }), () => g.randn(5, 2, 4), 3],
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

  it('the normalisation, bag and bilinear layers leave only their outputs alive', () => {
    g.manualSeed(1);
    const ints = (v: number[]) => g.tensor(Int32Array.from(v));
    const cases: [Module, () => unknown[]][] = [
      [new nn.BatchNorm2d(3), () => [g.randn(2, 3, 4, 4)]],
      [new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }), () => [g.randn(2, 3, 4, 4)]],
      [new nn.GroupNorm(2, 4), () => [g.randn(2, 4, 3)]],
      [new nn.RMSNorm(4), () => [g.randn(2, 4)]],
      [new nn.LocalResponseNorm(3), () => [g.randn(1, 4, 3)]],
      [new nn.Bilinear(2, 3, 4), () => [g.randn(5, 2), g.randn(5, 3)]],
      [new nn.EmbeddingBag(6, 2, { mode: 'max' }), () => [ints([0, 3, 5, 1]), ints([0, 1])]],
      [new nn.EmbeddingBag(6, 2, { mode: 'sum' }), () => [ints([0, 3, 5, 1]), ints([0, 3]), g.randn(4)]],
    ];
    for (const [layer, input] of cases) {
      const args = input();
      const before = g.memory().numTensors;
      const call = () => (layer.call as (...a: unknown[]) => g.Tensor)(...args);
      g.noGrad(call).dispose();
      expect(g.memory().numTensors, `${layer.constructor.name} without grad`).toBe(before);
      call().dispose();
      expect(g.memory().numTensors, `${layer.constructor.name} with grad, after disposing its output`).toBe(before);
    }
  });

  it('training steps with packed sequences, hooks, weight and spectral norm reach a steady state; summary leaves nothing', () => {
    g.manualSeed(2);
    const lstm = new nn.LSTM(2, 3);
    const bidirectional = new nn.GRU(2, 3, { numLayers: 2, bidirectional: true });
    const hooked = nn.utils.spectralNorm(nn.utils.weightNorm(new nn.Linear(3, 2)), 'bias');
    hooked.registerFullBackwardHook(() => {});
    hooked.registerForwardHook((_m, _a, out) => out.mul(2));
    const x = g.randn(4, 3, 2);
    const step = () =>
      g.tidy(() => {
        const packed = nn.utils.rnn.packPaddedSequence(x, [2, 4, 3], { enforceSorted: false });
        const [out, [h]] = lstm.call(packed);
        const [padded] = nn.utils.rnn.padPackedSequence(out);
        const [outBi, hBi] = bidirectional.call(packed);
        const [paddedBi] = nn.utils.rnn.padPackedSequence(outBi);
        hooked.call(padded).sum().add(h.sum()).add(paddedBi.sum()).add(hBi.sum()).backward();
      });
    const zero = () => {
      lstm.zeroGrad();
      bidirectional.zeroGrad();
      hooked.zeroGrad();
    };
    step();
    zero();
    const before = g.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      step();
      zero();
    }
    // The weight-normalised weight is recomputed (and replaced) by every forward: one tensor either way.
    expect(g.memory().numTensors).toBe(before);
    const model = new nn.Sequential(new nn.Linear(2, 4), new nn.BatchNorm1d(4), new nn.ReLU());
    const beforeSummary = g.memory().numTensors;
    nn.summary(model, [3, 2]);
    expect(g.memory().numTensors).toBe(beforeSummary);
  });

  it('weight and spectral norm free the weight they computed last time (a loop that disposes what it uses stays flat)', () => {
    for (const apply of [nn.utils.weightNorm, nn.utils.spectralNorm]) {
      g.manualSeed(0);
      const lin = apply(new nn.Linear(4, 4));
      const x = g.randn(2, 4);
      const step = () => {
        const out = lin.call(x);
        const loss = out.sum();
        loss.backward();
        out.dispose();
        loss.dispose();
      };
      step();
      const before = g.memory().numTensors;
      for (let i = 0; i < 20; i++) step();
      // Only the parameters' gradients, made by the first step, are alive besides what was there.
      expect(g.memory().numTensors, apply.name).toBe(before);
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
