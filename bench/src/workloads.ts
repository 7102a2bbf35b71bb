/**
 * The Node bench's workloads, each runnable by Graft and by tfjs (on the
 * tfjs backend that is current: the caller chooses cpu or wasm). The ids are
 * those the peer processes answer to: bench/torch_peer.py (PyTorch) and
 * tfjs-peer.ts (tfjs-wasm with threads, which needs a process of its own).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { SGD, Adam } from '@graft/optim';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs'; // the layers API, and tfjs's gradients (tfjs-core alone has none)
import { selectedBy, type Unit } from './timing.js';

/** The function to time, and what to free afterwards. */
export interface Instance {
  run(): void;
  cleanup(): void;
}

/** A workload: what it measures, and how Graft and tfjs (on whichever tfjs backend is current) run it. */
export interface Workload {
  /** The id the peer processes know it by (torch_peer.py's WORKLOADS, the tfjs peer). */
  id: string;
  name: string;
  /** 'gflops': report work/time in GFLOPS; 'ms' or 'us': report time per call (µs divided by `perCall`). */
  unit: Unit;
  flops?: number;
  perCall?: number;
  /** Builds the state for Graft or for tfjs and returns the function to time. */
  setup(runner: 'graft' | 'tfjs'): Instance;
}

function graftRandn(shape: number[]): g.Tensor {
  return g.randn(shape);
}
function tfRandn(shape: number[]): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', 1);
}

function matmulWorkload(n: number): Workload {
  return {
    id: `matmul-${n}`,
    name: `matmul ${n}x${n} (GFLOPS)`,
    unit: 'gflops',
    flops: 2 * n * n * n,
    setup(runner) {
      if (runner === 'graft') {
        const a = graftRandn([n, n]);
        const b = graftRandn([n, n]);
        return {
          run: () => {
            const c = a.matmul(b);
            c.dataSync();
            c.dispose();
          },
          cleanup: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      const a = tfRandn([n, n]);
      const b = tfRandn([n, n]);
      return {
        run: () => {
          const c = tf.matMul(a, b);
          c.dataSync();
          c.dispose();
        },
        cleanup: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
  };
}

function elementwise(
  id: string,
  graftOp: (a: g.Tensor, b: g.Tensor) => g.Tensor,
  tfOp: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): Workload {
  const n = 1 << 20;
  return {
    id,
    name: `${id}, 1M elements (ms)`,
    unit: 'ms',
    setup(runner) {
      if (runner === 'graft') {
        const a = graftRandn([n]);
        const b = graftRandn([n]);
        return {
          run: () => graftOp(a, b).dispose(),
          cleanup: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      const a = tfRandn([n]);
      const b = tfRandn([n]);
      return {
        run: () => tfOp(a, b).dispose(),
        cleanup: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
  };
}

function dispatch(withGrad: boolean): Workload {
  const ops = 10_000;
  return {
    id: withGrad ? 'dispatch-grad' : 'dispatch-nograd',
    name: `add on shape [4], ${withGrad ? 'with' : 'no'} grad (µs per op)`,
    unit: 'us',
    perCall: ops,
    setup(runner) {
      if (runner === 'graft') {
        const a = g.tensor([1, 2, 3, 4], { requiresGrad: withGrad });
        const b = g.tensor([4, 3, 2, 1]);
        return {
          run: () => {
            for (let i = 0; i < ops; i++) a.add(b).dispose();
          },
          cleanup: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      const a = tf.tensor([1, 2, 3, 4]);
      const b = tf.tensor([4, 3, 2, 1]);
      if (!withGrad) {
        return {
          run: () => {
            for (let i = 0; i < ops; i++) tf.add(a, b).dispose();
          },
          cleanup: () => {
            a.dispose();
            b.dispose();
          },
        };
      }
      // tfjs records a tape only inside a gradient scope: time adds recorded there.
      return {
        run: () => {
          tf.grad((x: tf.Tensor) => {
            let last = x;
            for (let i = 0; i < ops; i++) last = tf.add(x, b);
            return tf.sum(last);
          })(a).dispose();
        },
        cleanup: () => {
          a.dispose();
          b.dispose();
        },
      };
    },
  };
}

/** One training step of an MLP 784-256-10 on a batch of 64 (SGD), in Graft and in tfjs's layers API. */
function mlpStep(): Workload {
  return {
    id: 'mlp',
    name: 'MLP 784-256-10 train step, batch 64, SGD (ms)',
    unit: 'ms',
    setup(runner) {
      if (runner === 'graft') {
        const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
        const opt = new SGD(model.parameters(), { lr: 0.01 });
        const x = g.randn(64, 784);
        const y = g.randint(0, 10, [64]);
        const lossFn = new nn.CrossEntropyLoss();
        return {
          run: () =>
            g.tidy(() => {
              opt.zeroGrad();
              lossFn.call(model.call(x), y).backward();
              opt.step();
            }),
          cleanup: () => undefined,
        };
      }
      const model = tfl.sequential({
        layers: [tfl.layers.dense({ units: 256, activation: 'relu', inputShape: [784] }), tfl.layers.dense({ units: 10 })],
      });
      const opt = tf.train.sgd(0.01);
      const x = tfRandn([64, 784]);
      const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32'), 10);
      return {
        run: () => opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar)?.dispose(),
        cleanup: () => {
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}

/** One training step of a character LSTM (embedding 32, hidden 64, sequence 20, batch 16, Adam). */
function lstmStep(): Workload {
  const V = 50,
    T = 20,
    B = 16,
    H = 64;
  return {
    id: 'lstm',
    name: `char LSTM train step (T=${T}, B=${B}, H=${H}), Adam (ms)`,
    unit: 'ms',
    setup(runner) {
      if (runner === 'graft') {
        const embed = new nn.Embedding(V, 32);
        const lstm = new nn.LSTM(32, H, { batchFirst: true });
        const head = new nn.Linear(H, V);
        const params = [...embed.parameters(), ...lstm.parameters(), ...head.parameters()];
        const opt = new Adam(params, { lr: 0.005 });
        const x = g.randint(0, V, [B, T]);
        const y = g.randint(0, V, [B * T]);
        return {
          run: () =>
            g.tidy(() => {
              opt.zeroGrad();
              const [out] = lstm.call(embed.call(x)) as [g.Tensor, unknown];
              nn.F.crossEntropy(head.call(out).reshape(-1, V), y).backward();
              opt.step();
            }),
          cleanup: () => undefined,
        };
      }
      const model = tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: V, outputDim: 32, inputLength: T }),
          tfl.layers.lstm({ units: H, returnSequences: true }),
          tfl.layers.dense({ units: V }),
        ],
      });
      const opt = tf.train.adam(0.005);
      const x = tf.randomUniform([B, T], 0, V, 'int32');
      const y = tf.oneHot(tf.randomUniform([B * T], 0, V, 'int32'), V);
      return {
        run: () =>
          opt.minimize(() => tf.losses.softmaxCrossEntropy(y, (model.apply(x) as tf.Tensor).reshape([B * T, V])) as tf.Scalar)?.dispose(),
        cleanup: () => {
          x.dispose();
          y.dispose();
        },
      };
    },
  };
}

/**
 * An RNN cell built as in the tutorial (seed 000), at its size: nn.RNNCell(10, 20),
 * batch 1, 100 steps, then backward from the last state's sum. Tiny tensors:
 * it measures what dispatch and autograd recording cost per op.
 */
function rnnCell(): Workload {
  const steps = 100;
  const [I, H] = [10, 20];
  return {
    id: 'rnn-cell',
    name: `RNN cell (${I}->${H}, batch 1), ${steps} steps forward + backward (ms)`,
    unit: 'ms',
    setup(runner) {
      if (runner === 'graft') {
        const cell = new nn.RNNCell(I, H);
        const xs = g.randn(steps, 1, I);
        const inputs = xs.unbind(0);
        const h0 = g.zeros(1, H);
        return {
          run: () =>
            g.tidy(() => {
              let h = h0;
              for (const x of inputs) h = cell.call(x, h);
              h.sum().backward();
            }),
          cleanup: () => {
            xs.dispose();
            h0.dispose();
          },
        };
      }
      // tfjs has no RNN cell in tfjs-core: the same formula, tanh(x Wih^T + bih + h Whh^T + bhh), on variables.
      const wih = tf.variable(tfRandn([I, H]));
      const whh = tf.variable(tfRandn([H, H]));
      const bih = tf.variable(tf.zeros([H]));
      const bhh = tf.variable(tf.zeros([H]));
      const inputs = tf.unstack(tfRandn([steps, 1, I]));
      const h0 = tf.zeros([1, H]);
      return {
        run: () => {
          const { value, grads } = tf.variableGrads(() => {
            let h = h0;
            for (const x of inputs) h = tf.tanh(tf.add(tf.add(tf.matMul(x, wih), bih), tf.add(tf.matMul(h, whh), bhh)));
            return tf.sum(h) as tf.Scalar;
          });
          value.dispose();
          tf.dispose(grads);
        },
        cleanup: () => {
          tf.dispose([wih, whh, bih, bhh, h0, ...inputs]);
        },
      };
    },
  };
}

/** Attention-like shapes: batch 8, 8 heads, 128 queries and keys, head dim 64. */
const ATTENTION = { b: 8, h: 8, q: 128, k: 128, d: 64 };
export const EINSUM_ROW = "attention scores [8,8,128,64]: einsum 'bhqd,bhkd->bhqk' (ms)";
export const MATMUL_ROW = 'attention scores [8,8,128,64]: q.matmul(k.transpose(-1, -2)) (ms)';

/**
 * Attention scores as an einsum, and (`asMatmul`) as the matmul it is lowered
 * to: the two rows measure what einsum's parsing and lowering cost over the
 * kernel (their ratio is printed under the table).
 */
function attentionScores(asMatmul: boolean): Workload {
  const { b, h, q, k, d } = ATTENTION;
  return {
    id: asMatmul ? 'attention-matmul' : 'attention-einsum',
    name: asMatmul ? MATMUL_ROW : EINSUM_ROW,
    unit: 'ms',
    setup(runner) {
      if (runner === 'graft') {
        const qs = graftRandn([b, h, q, d]);
        const ks = graftRandn([b, h, k, d]);
        return {
          run: () => {
            const s = asMatmul ? qs.matmul(ks.transpose(-1, -2)) : g.einsum('bhqd,bhkd->bhqk', qs, ks);
            s.dataSync();
            s.dispose();
          },
          cleanup: () => {
            qs.dispose();
            ks.dispose();
          },
        };
      }
      if (!asMatmul && tf.getBackend() === 'cpu') {
        // Its Einsum kernel loops over every index in JavaScript: about 30 s a call at this size.
        throw new Error('not timed (tfjs-cpu computes einsum element by element: about 30 s a call here)');
      }
      const qs = tfRandn([b, h, q, d]);
      const ks = tfRandn([b, h, k, d]);
      return {
        run: () => {
          const s = asMatmul ? tf.matMul(qs, ks, false, true) : tf.einsum('bhqd,bhkd->bhqk', qs, ks);
          s.dataSync();
          s.dispose();
        },
        cleanup: () => {
          qs.dispose();
          ks.dispose();
        },
      };
    },
  };
}

/** Every workload, in the table's order. */
export const allWorkloads: Workload[] = [
  ...[64, 128, 256, 512, 1024].map(matmulWorkload),
  elementwise(
    'add',
    (a, b) => a.add(b),
    (a, b) => tf.add(a, b),
  ),
  elementwise(
    'tanh',
    (a) => a.tanh(),
    (a) => tf.tanh(a),
  ),
  elementwise(
    'sum',
    (a) => a.sum(),
    (a) => tf.sum(a),
  ),
  dispatch(false),
  dispatch(true),
  attentionScores(false),
  attentionScores(true),
  mlpStep(),
  rnnCell(),
  lstmStep(),
];

/** The workloads whose name contains, or whose id is, one of `only`'s comma-separated parts (all without it): BENCH_ONLY. */
export function selectWorkloads(only: string | undefined): Workload[] {
  return allWorkloads.filter((w) => selectedBy(only, w.name, w.id));
}
