/**
 * `pnpm bench`: Graft's CPU backend side by side with TensorFlow.js
 * (tfjs-backend-cpu and tfjs-backend-wasm, XNNPACK SIMD, one thread in Node) in
 * one process. Workloads are interleaved across rounds; each cell is the median
 * of the rounds, each round the median of several timed runs after warm-up.
 * Ratios are Graft's speed over the peer's (above 1: Graft is faster).
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { nn } from '@graft/nn';
import { SGD, Adam } from '@graft/optim';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs'; // the layers API, and tfjs's gradients (tfjs-core alone has none)
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { formatValue, markdownTable, median, speedRatio, timeIt, toUnit, type Unit } from './timing.js';

const require = createRequire(import.meta.url);
setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

type Runner = 'graft' | 'tfjs-cpu' | 'tfjs-wasm';
const RUNNERS: Runner[] = ['graft', 'tfjs-cpu', 'tfjs-wasm'];
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

interface Workload {
  name: string;
  /** 'gflops': report work/time in GFLOPS; 'ms' or 'us': report time per call (µs divided by `perCall`). */
  unit: Unit;
  flops?: number;
  perCall?: number;
  /** Builds the state for a runner and returns the function to time. */
  setup(runner: Runner): { run(): void; cleanup(): void };
}

function graftRandn(shape: number[]): g.Tensor {
  return g.randn(shape);
}
function tfRandn(shape: number[]): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', 1);
}

function matmulWorkload(n: number): Workload {
  return {
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
  name: string,
  graftOp: (a: g.Tensor, b: g.Tensor) => g.Tensor,
  tfOp: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): Workload {
  const n = 1 << 20;
  return {
    name: `${name}, 1M elements (ms)`,
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

function dispatch(name: string, withGrad: boolean): Workload {
  const ops = 10_000;
  return {
    name,
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

/** Attention-like shapes: batch 8, 8 heads, 128 queries and keys, head dim 64. */
const ATTENTION = { b: 8, h: 8, q: 128, k: 128, d: 64 };
const EINSUM_ROW = "attention scores [8,8,128,64]: einsum 'bhqd,bhkd->bhqk' (ms)";
const MATMUL_ROW = 'attention scores [8,8,128,64]: q.matmul(k.transpose(-1, -2)) (ms)';

/**
 * Attention scores as an einsum, and (`asMatmul`) as the matmul it is lowered
 * to: the two rows measure what einsum's parsing and lowering cost over the
 * kernel (their ratio is printed under the table).
 */
function attentionScores(asMatmul: boolean): Workload {
  const { b, h, q, k, d } = ATTENTION;
  return {
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
      if (!asMatmul && runner === 'tfjs-cpu') {
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

const ONLY = process.env['BENCH_ONLY'];
const allWorkloads: Workload[] = [
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
  dispatch('add on shape [4], no grad (µs per op)', false),
  dispatch('add on shape [4], with grad (µs per op)', true),
  attentionScores(false),
  attentionScores(true),
  mlpStep(),
  lstmStep(),
];
/** BENCH_ONLY=substring runs a subset. */
const workloads = ONLY === undefined ? allWorkloads : allWorkloads.filter((w) => w.name.includes(ONLY));

const failures = new Set<string>();

async function main(): Promise<void> {
  await tf.setBackend('wasm');
  await tf.ready();
  await tf.setBackend('cpu');
  const results = new Map<string, Map<Runner, number[]>>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const w of workloads) {
      for (const runner of RUNNERS) {
        if (runner !== 'graft') await tf.setBackend(runner === 'tfjs-cpu' ? 'cpu' : 'wasm');
        // tfjs-cpu matmul at 1024 takes seconds; one sample is plenty.
        let value = NaN;
        try {
          const { run, cleanup } = w.setup(runner);
          const seconds = timeIt(run, w.unit === 'gflops' && runner === 'tfjs-cpu' ? 0 : 0.25);
          cleanup();
          value = toUnit(seconds, w.unit, w.flops, w.perCall);
        } catch (e) {
          // A peer that cannot run a workload (a missing kernel, say) gets 'fails' in the table.
          if (runner === 'graft') throw e;
          failures.add(`${runner} on "${w.name}": ${(e as Error).message.split('\n')[0]}`);
        }
        const byRunner = results.get(w.name) ?? new Map<Runner, number[]>();
        results.set(w.name, byRunner);
        byRunner.set(runner, [...(byRunner.get(runner) ?? []), value]);
      }
    }
    process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const header = ['workload', 'graft', 'tfjs-cpu', 'tfjs-wasm', 'vs tfjs-cpu', 'vs tfjs-wasm'];
  const rows = workloads.map((w) => {
    const byRunner = results.get(w.name)!;
    const m = (r: Runner) => median(byRunner.get(r)!);
    const ratio = (r: Runner) => speedRatio(m('graft'), m(r), w.unit);
    const r = (p: Runner) => (Number.isNaN(ratio(p)) ? 'n/a' : `${ratio(p).toFixed(2)}x`);
    return [
      w.name,
      formatValue(m('graft'), w.unit),
      formatValue(m('tfjs-cpu'), w.unit),
      formatValue(m('tfjs-wasm'), w.unit),
      r('tfjs-cpu'),
      r('tfjs-wasm'),
    ];
  });
  console.log(`Graft bench: Node ${process.version}, ${ROUNDS} rounds, ratios = Graft speed / peer speed`);
  console.log(markdownTable(header, rows));
  for (const f of failures) console.log(`fails: ${f}`);
  const einsumRow = results.get(EINSUM_ROW);
  const matmulRow = results.get(MATMUL_ROW);
  if (einsumRow !== undefined && matmulRow !== undefined) {
    // Measured, not asserted: einsum is lowered to the matmul kernel, so near 1 is expected.
    const ratio = median(einsumRow.get('graft')!) / median(matmulRow.get('graft')!);
    console.log(`einsum / matmul time in Graft (attention scores): ${ratio.toFixed(2)}`);
  }
}

await main();
