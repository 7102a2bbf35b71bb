/**
 * Attention and the Transformer family against PyTorch 1.13
 * (scripts/fixtures/generate_nn_attention.py → fixtures/attention.json):
 * seeded initial weights and state-dict names, forward values, attention
 * weights and the gradients of every parameter and input.
 * scaledDotProductAttention is PyTorch 2.0's; its expected values come from
 * the formula PyTorch 2.0 documents, computed with 1.13 ops.
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { describe, expect, it } from 'vitest';
import { F, type Module, nn } from '../src/index.js';
import fixture from './fixtures/attention.json' with { type: 'json' };

interface Enc {
  shape: number[];
  dtype: string;
  data: (number | string | boolean)[];
}
// biome-ignore lint/suspicious/noExplicitAny: fixture cases are heterogeneous JSON
type Case = Record<string, any>;
const cases = fixture.cases as Case[];
const byKind = (kind: string) => cases.filter((c) => c.kind === kind);

const num = (v: number | string | boolean): number =>
  v === '-inf' ? Number.NEGATIVE_INFINITY : v === 'inf' ? Number.POSITIVE_INFINITY : v === 'nan' ? Number.NaN : Number(v);

function decode(e: Enc | null | undefined, requiresGrad = false): g.Tensor | null {
  if (!e) return null;
  if (e.dtype === 'bool') return g.tensor(e.data as boolean[], { dtype: 'bool' }).reshape(e.shape);
  const t = g.tensor(e.data.map(num), { dtype: e.dtype as 'float32' | 'float64' }).reshape(e.shape);
  return requiresGrad ? t.requiresGrad_(true) : t;
}

function close(actual: g.Tensor | ArrayLike<number>, expected: ArrayLike<number | string>, tol: number, what: string) {
  const a = actual instanceof g.Tensor ? Array.from(actual.dataSync() as ArrayLike<number>) : Array.from(actual);
  expect(a.length, `${what}: length`).toBe(expected.length);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = num(expected[i]!);
    const x = Number(a[i]);
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(x, e) || (Number.isNaN(x) && Number.isNaN(e)), `${what}[${i}]: ${x} vs ${e}`).toBe(true);
      continue;
    }
    const err = Math.abs(x - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${what}: worst relative error at [${at}]: ${a[at]} vs ${expected[at]}`).toBeLessThanOrEqual(tol);
}

const ACTIVATIONS: Record<string, nn.TransformerActivation> = { relu: 'relu', gelu: 'gelu', tanh_fn: (x: g.Tensor) => x.tanh() };

function checkInit(m: Module, c: Case) {
  expect(Object.keys(m.stateDict()), `${c.name}: state-dict names`).toEqual(c.stateDictKeys);
  const sd = m.stateDict();
  for (const [k, e] of Object.entries(c.init as Record<string, Enc>)) {
    expect(sd[k]!.shape, `${c.name}: ${k} shape`).toEqual(e.shape);
    close(sd[k]!, e.data as number[], 1e-6, `${c.name}: seeded ${k}`);
  }
}

function checkGrads(m: Module, inputs: Record<string, g.Tensor>, c: Case, tol: number) {
  const params = Object.fromEntries(m.namedParameters());
  for (const [k, expected] of Object.entries(c.grads as Record<string, number[]>)) {
    const t = k.startsWith('input.') ? inputs[k.slice(6)] : params[k];
    expect(t?.grad, `${c.name}: gradient of ${k}`).toBeTruthy();
    close(t!.grad!, expected, tol, `${c.name}: grad ${k}`);
  }
}

describe('F.scaledDotProductAttention (PyTorch 2.0 formula, computed with 1.13 ops)', () => {
  for (const c of byKind('sdpa')) {
    it(c.name, () => {
      const [q, k, v] = [c.q, c.k, c.v].map((e) => decode(e, true)!);
      g.manualSeed(c.seed);
      const out = F.scaledDotProductAttention(q!, k!, v!, {
        attnMask: decode(c.attnMask),
        dropoutP: c.dropoutP,
        isCausal: c.isCausal,
        scale: c.scale,
      });
      expect(out.shape).toEqual(c.out.shape);
      close(out, c.out.data, 1e-10, `${c.name}: out`);
      out.mul(decode(c.r)!).sum().backward();
      close(q!.grad!, c.grads.q, 1e-9, `${c.name}: grad q`);
      close(k!.grad!, c.grads.k, 1e-9, `${c.name}: grad k`);
      close(v!.grad!, c.grads.v, 1e-9, `${c.name}: grad v`);
    });
  }

  it('positional arguments in PyTorch order equal the options form', () => {
    g.manualSeed(1);
    const q = g.randn(2, 3, 4);
    const mask = g.tensor([true, false, true]);
    const a = F.scaledDotProductAttention(q, q, q, mask, 0, false, { scale: 0.5 });
    const b = F.scaledDotProductAttention(q, q, q, { attnMask: mask, scale: 0.5 });
    expect(a.tolist()).toEqual(b.tolist());
  });

  it('bad input is named', () => {
    const q = g.randn(2, 3, 4);
    expect(() => F.scaledDotProductAttention(q, g.randn(2, 3, 5), q)).toThrow(
      /scaledDotProductAttention: query \[2, 3, 4\] and key \[2, 3, 5\]/,
    );
    expect(() => F.scaledDotProductAttention(q, q, g.randn(2, 4, 4))).toThrow(/key \[2, 3, 4\] and value \[2, 4, 4\]/);
    expect(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: g.ones(3, 3) })).toThrow(/attn_mask should not be set/);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: g.ones([3, 3], { dtype: 'int32' }) })).toThrow(/attnMask must be a bool/);
    expect(() => F.scaledDotProductAttention(q, q, q, { dropoutP: 2 })).toThrow(/dropout probability/);
    expect(() => F.scaledDotProductAttention(q, q, q, { causal: true } as never)).toThrow(/causal/);
  });
});

describe('nn.MultiheadAttention (PyTorch 1.13)', () => {
  for (const c of byKind('mha')) {
    it(c.name, () => {
      const inputs: Record<string, g.Tensor> = Object.fromEntries(Object.entries(c.inputs).map(([k, e]) => [k, decode(e as Enc, true)!]));
      const query = inputs.query!;
      const [key, value] = c.selfAttention ? [query, query] : [inputs.key!, inputs.value!];
      g.manualSeed(c.seed);
      const m = new nn.MultiheadAttention(c.embedDim, c.numHeads, c.options);
      if (!c.training) m.eval();
      checkInit(m, c);
      const [out, weights] = m.call(query, key, value, {
        keyPaddingMask: decode(c.forward.keyPaddingMask),
        attnMask: decode(c.forward.attnMask),
        needWeights: c.forward.needWeights,
        averageAttnWeights: c.forward.averageAttnWeights,
      });
      expect(out.shape).toEqual(c.out.shape);
      close(out, c.out.data, 2e-5, `${c.name}: out`);
      let loss = out.mul(decode(c.r)!).sum();
      if (c.weights) {
        expect(weights!.shape).toEqual(c.weights.shape);
        close(weights!, c.weights.data, 2e-5, `${c.name}: weights`);
        loss = loss.add(weights!.mul(decode(c.rw)!).sum());
      } else expect(weights).toBeNull();
      loss.backward();
      checkGrads(m, inputs, c, 1e-4);
    });
  }

  it("loads PyTorch's state dict unchanged (separate q/k/v weights) and then computes PyTorch's output", () => {
    const c = cases.find((x) => x.name === 'mha_kdim_vdim')!;
    g.manualSeed(12345); // other weights than PyTorch's
    const m = new nn.MultiheadAttention(c.embedDim, c.numHeads, c.options);
    m.loadStateDict(Object.fromEntries(Object.entries(c.init as Record<string, Enc>).map(([k, e]) => [k, decode(e)!])));
    const [out] = m.call(decode(c.inputs.query)!, decode(c.inputs.key)!, decode(c.inputs.value)!);
    close(out, c.out.data, 2e-5, 'loaded out');
  });

  it('takes PyTorch positional arguments; prints as PyTorch', () => {
    g.manualSeed(0);
    const a = new nn.MultiheadAttention(8, 2, 0.1, false, false, false, null, null, true);
    expect(a.batchFirst).toBe(true);
    expect(a.in_proj_bias).toBeNull();
    expect(a.out_proj.bias).toBeNull();
    expect(String(a)).toBe(
      'MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=False)\n)',
    );
    const x = g.randn(2, 3, 8);
    const [o1, w1] = a.eval().forward(x, x, x, null, false);
    expect(w1).toBeNull();
    expect(o1.shape).toEqual([2, 3, 8]);
  });

  it('bad input is named', () => {
    expect(() => new nn.MultiheadAttention(10, 3)).toThrow(/embed_dim must be divisible by num_heads/);
    expect(() => new nn.MultiheadAttention(8, 2, { heads: 2 } as never)).toThrow(/heads/);
    const m = new nn.MultiheadAttention(8, 2);
    const x = g.randn(4, 2, 8);
    expect(() => m.call(x, x, x, { attnMask: g.zeros(3, 4) })).toThrow(/The shape of the 2D attnMask is \[3, 4\], but should be \[4, 4\]/);
    expect(() => m.call(x, x, x, { keyPaddingMask: g.zeros([2, 3], { dtype: 'bool' }) })).toThrow(/keyPaddingMask shape of \[2, 4\]/);
    expect(() => m.call(x, x, x, { keyPaddingMask: g.zeros([2, 4], { dtype: 'int32' }) })).toThrow(/only bool and floating types/);
    expect(() => m.call(g.randn(4, 2, 6), g.randn(4, 2, 6), g.randn(4, 2, 6))).toThrow(/expecting embedding dimension of 8, but got 6/);
    expect(() => m.call(x, x, x, { isCausal: true })).toThrow(/Need attnMask if specifying the isCausal hint/);
    expect(() => m.call(g.randn(2, 4, 2, 8), x, x)).toThrow(/query should be unbatched 2D or batched 3D/);
  });
});

function buildModule(c: Case): Module {
  const l = c.layer;
  const options: nn.TransformerLayerOptions = {
    dimFeedforward: l.dimFeedforward,
    dropout: l.dropout,
    activation: ACTIVATIONS[l.activation]!,
    ...(l.layerNormEps !== undefined ? { layerNormEps: l.layerNormEps } : {}),
    ...(l.batchFirst !== undefined ? { batchFirst: l.batchFirst } : {}),
    ...(l.normFirst !== undefined ? { normFirst: l.normFirst } : {}),
  };
  switch (c.kind) {
    case 'encoder_layer':
      return new nn.TransformerEncoderLayer(c.dModel, c.nhead, options);
    case 'decoder_layer':
      return new nn.TransformerDecoderLayer(c.dModel, c.nhead, options);
    case 'encoder':
      return new nn.TransformerEncoder(new nn.TransformerEncoderLayer(c.dModel, c.nhead, options), c.numLayers, {
        norm: c.norm ? new nn.LayerNorm(c.dModel) : null,
      });
    case 'decoder':
      return new nn.TransformerDecoder(new nn.TransformerDecoderLayer(c.dModel, c.nhead, options), c.numLayers, {
        norm: c.norm ? new nn.LayerNorm(c.dModel) : null,
      });
    default:
      return new nn.Transformer({
        dModel: c.dModel,
        nhead: c.nhead,
        numEncoderLayers: c.numLayers,
        numDecoderLayers: c.numLayers,
        ...options,
      });
  }
}

describe('Transformer layers, stacks and nn.Transformer (PyTorch 1.13)', () => {
  for (const kind of ['encoder_layer', 'decoder_layer', 'encoder', 'decoder', 'transformer']) {
    for (const c of byKind(kind)) {
      it(c.name, () => {
        const inputs: Record<string, g.Tensor> = Object.fromEntries(
          Object.entries(c.inputs).map(([k, e]) => [k, decode(e as Enc, !c.eval)!]),
        );
        g.manualSeed(c.seed);
        const m = buildModule(c);
        checkInit(m, c);
        const masks = Object.fromEntries(Object.entries(c.forward).map(([k, e]) => [k, decode(e as Enc)]));
        const args = inputs.y ? [inputs.x!, inputs.y] : [inputs.x!];
        let out: g.Tensor;
        if (c.eval) {
          m.eval();
          out = g.noGrad(() => (m.call as (...a: unknown[]) => g.Tensor)(...args, masks));
        } else out = (m.call as (...a: unknown[]) => g.Tensor)(...args, masks);
        expect(out.shape).toEqual(c.out.shape);
        close(out, c.out.data, 5e-5, `${c.name}: out`);
        if (c.eval) return;
        out.mul(decode(c.r)!).sum().backward();
        checkGrads(m, inputs, c, 2e-4);
      });
    }
  }

  it('layers of a stack start equal and own separate parameters (PyTorch deep-copies the layer)', () => {
    g.manualSeed(3);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    const enc = new nn.TransformerEncoder(layer, 2);
    const [a, b] = [enc.layers.at(0), enc.layers.at(1)] as nn.TransformerEncoderLayer[];
    expect(a!.linear1.weight.tolist()).toEqual(layer.linear1.weight.tolist());
    expect(b!.self_attn.in_proj_weight!.tolist()).toEqual(layer.self_attn.in_proj_weight!.tolist());
    expect(a!.linear1.weight).not.toBe(b!.linear1.weight);
    expect(enc.parameters().length).toBe(2 * layer.parameters().length);
    expect(enc.enableNestedTensor).toBe(true);
    g.noGrad(() => a!.linear1.weight.fill_(0));
    expect(b!.linear1.weight.abs().sum().item()).toBeGreaterThan(0);
  });

  it('positional arguments in PyTorch order; options are checked', () => {
    const l = new nn.TransformerEncoderLayer(8, 2, 32, 0.0, 'gelu', 1e-6, true, true);
    expect([l.linear1.outFeatures, l.dropout.p, l.norm1.eps, l.self_attn.batchFirst, l.normFirst]).toEqual([32, 0, 1e-6, true, true]);
    expect(() => new nn.TransformerEncoderLayer(8, 2, { activation: 'swish' as never })).toThrow(
      /activation should be relu\/gelu, not swish/,
    );
    expect(() => new nn.TransformerDecoderLayer(8, 2, { nhead: 2 } as never)).toThrow(/nhead/);
    const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8 });
    expect(() => t.call(g.randn(3, 2, 8), g.randn(3, 3, 8))).toThrow(/the batch number of src and tgt must be equal/);
    expect(() => t.call(g.randn(3, 2, 6), g.randn(3, 2, 6))).toThrow(/must be equal to d_model \(8\)/);
  });

  for (const c of byKind('mask')) {
    it(c.name, () => {
      const m = nn.Transformer.generateSquareSubsequentMask(c.size);
      expect(m.shape).toEqual(c.out.shape);
      expect(Array.from(m.dataSync() as Float32Array)).toEqual(c.out.data.map(num));
    });
  }
});

describe('gradients agree with finite differences (gradcheck, float64)', () => {
  const f64 = (...shape: number[]) => g.randn(shape, { dtype: 'float64' }).requiresGrad_(true);
  it('scaledDotProductAttention with a float mask, causal, and a scale', () => {
    g.manualSeed(7);
    const [q, k, v] = [f64(2, 3, 4), f64(2, 5, 4), f64(2, 5, 2)];
    const mask = g.randn([3, 5], { dtype: 'float64' });
    expect(g.autograd.gradcheck((a, b, c) => F.scaledDotProductAttention(a!, b!, c!, { attnMask: mask, scale: 0.7 }), [q, k, v])).toBe(
      true,
    );
    const s = f64(2, 4, 3);
    expect(g.autograd.gradcheck((a) => F.scaledDotProductAttention(a!, a!, a!, { isCausal: true }), [s])).toBe(true);
  });

  it('multiHeadAttentionForward with biasK/biasV, zero attention and a padding mask, through every weight', () => {
    g.manualSeed(8);
    const [x, mem, w, b, wo, bo, bk, bv] = [f64(3, 2, 4), f64(5, 2, 4), f64(12, 4), f64(12), f64(4, 4), f64(4), f64(1, 1, 4), f64(1, 1, 4)];
    const kpm = g
      .tensor([
        [false, true, false, false, false, false],
        [false, false, false, true, true, false],
      ])
      .narrow(1, 0, 5);
    const fn = (...t: g.Tensor[]) => {
      const [out, weights] = F.multiHeadAttentionForward(t[0]!, t[1]!, t[1]!, 4, 2, t[2]!, t[3]!, t[6]!, t[7]!, true, 0, t[4]!, t[5]!, {
        keyPaddingMask: kpm,
      });
      return out.sum().add(weights!.mul(weights!).sum());
    };
    expect(g.autograd.gradcheck(fn, [x, mem, w, b, wo, bo, bk, bv])).toBe(true);
  });
});

describe('attention frees its intermediates', () => {
  it('a Transformer step leaves only its output and the gradients alive', () => {
    g.manualSeed(0);
    const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, dropout: 0.1 });
    const src = g.randn(4, 2, 8);
    const tgt = g.randn(3, 2, 8);
    const mask = nn.Transformer.generateSquareSubsequentMask(3);
    const before = g.memory().numTensors;
    const out = t.call(src, tgt, { tgtMask: mask });
    const loss = out.sum();
    loss.backward();
    const grads = t.parameters().filter((p) => p.grad !== null).length;
    loss.dispose();
    out.dispose();
    expect(g.memory().numTensors - before).toBe(grads);
    const inference = g.noGrad(() => t.call(src, tgt, { tgtMask: mask }));
    expect(g.memory().numTensors - before).toBe(grads + 1);
    inference.dispose();
    const q = g.randn(2, 3, 4);
    const n = g.memory().numTensors;
    g.noGrad(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, dropoutP: 0.2 })).dispose();
    expect(g.memory().numTensors).toBe(n);
  });
});
