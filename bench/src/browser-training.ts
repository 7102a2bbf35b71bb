/**
 * The training-step workloads both browser pages time (browser-page.ts on
 * WebGL, browser-webgpu-page.ts on WebGPU): an MLP and a small CNN, each as a
 * Graft model and as the same network in tfjs ops, and one SGD step (lr 0.01,
 * cross entropy) of either. A step is parameterised by the Graft device the
 * model and data move to (none: made where the current backend is) and by how
 * it reads its loss, as a training loop does once a step: synchronously (the
 * WebGL page) or asynchronously (the only way on WebGPU here).
 */
import * as g from '@graft/core';
import { nn } from '@graft/nn';
import { Adam, SGD } from '@graft/optim';
import * as tf from '@tensorflow/tfjs-core';

/** A network to train: Graft's model and a batch, and tfjs's logits, one-hot labels and the tensors to free. */
export interface TrainingModel {
  name: string;
  graft(): { model: nn.Module; x: g.Tensor; y: g.Tensor };
  tfjs(): { logits: () => tf.Tensor; oneHot: tf.Tensor; owned: tf.Tensor[] };
}

/** One step and what frees it; `run` returns a promise when the step reads asynchronously. */
export interface TrainingStep<R> {
  run(): R;
  cleanup(): void;
}

/** How a step reads its loss. */
export type Read = 'sync' | 'async';
type Run<M extends Read> = M extends 'sync' ? void : Promise<void>;

/** One SGD step of an MLP 784-256-10 on a batch of 64, reading the loss (as a training loop does). */
export const MLP: TrainingModel = (() => {
  const [B, I, H, O] = [64, 784, 256, 10];
  return {
    name: `MLP ${I}-${H}-${O} train step, batch ${B}, SGD (ms)`,
    graft: () => ({
      model: new nn.Sequential(new nn.Linear(I, H), new nn.ReLU(), new nn.Linear(H, O)),
      x: g.randn(B, I),
      y: g.randint(0, O, [B]),
    }),
    tfjs: () => {
      const w1 = tf.variable(tf.randomUniform([I, H], -0.03, 0.03));
      const b1 = tf.variable(tf.zeros([H]));
      const w2 = tf.variable(tf.randomUniform([H, O], -0.06, 0.06));
      const b2 = tf.variable(tf.zeros([O]));
      const x = tf.randomNormal([B, I]);
      const oneHot = tf.oneHot(tf.randomUniform([B], 0, O, 'int32') as tf.Tensor1D, O);
      const logits = () => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2);
      return { logits, oneHot, owned: [w1, b1, w2, b2, x] };
    },
  };
})();

/** One SGD step of a small CNN (conv 5×5 1→8, ReLU, 2×2 max-pool, linear to 10) on 32 images of 28×28. */
export const CNN: TrainingModel = (() => {
  const [B, K, C] = [32, 5, 8];
  return {
    name: `CNN conv${K}x${K} 1-${C} + pool + linear, batch ${B}, SGD (ms)`,
    graft: () => ({
      model: new nn.Sequential(
        new nn.Conv2d(1, C, K),
        new nn.ReLU(),
        new nn.MaxPool2d(2),
        new nn.Flatten(),
        new nn.Linear(C * 12 * 12, 10),
      ),
      x: g.randn(B, 1, 28, 28),
      y: g.randint(0, 10, [B]),
    }),
    // tfjs in its own layout (NHWC), as a tfjs user writes it.
    tfjs: () => {
      const w1 = tf.variable(tf.randomUniform([K, K, 1, C], -0.2, 0.2));
      const b1 = tf.variable(tf.zeros([C]));
      const w2 = tf.variable(tf.randomUniform([C * 12 * 12, 10], -0.03, 0.03));
      const b2 = tf.variable(tf.zeros([10]));
      const x = tf.randomNormal([B, 28, 28, 1]);
      const oneHot = tf.oneHot(tf.randomUniform([B], 0, 10, 'int32') as tf.Tensor1D, 10);
      const logits = () => {
        const h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'valid'), b1)) as tf.Tensor4D, 2, 2, 'valid');
        return tf.add(tf.matMul(tf.reshape(h, [B, C * 12 * 12]), w2), b2);
      };
      return { logits, oneHot, owned: [w1, b1, w2, b2, x] };
    },
  };
})();

/** Graft's step of `net`: the model and data moved to `device` when given, the loss read the `read` way. */
export function graftTrainStep<M extends Read>(net: TrainingModel, read: M, device?: string): TrainingStep<Run<M>> {
  const { model, x, y } = net.graft();
  if (device !== undefined) model.to(device);
  const xs = device === undefined ? x : x.to(device);
  const ys = device === undefined ? y : y.to(device);
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  const lossFn = new nn.CrossEntropyLoss();
  const cleanup = () => {
    for (const t of new Set([x, y, xs, ys, ...model.parameters()])) t.dispose();
  };
  if (read === 'sync') {
    const run = () =>
      g.tidy(() => {
        opt.zeroGrad();
        const loss = lossFn.call(model.call(xs), ys);
        loss.backward();
        opt.step();
        loss.item();
      });
    return { run: run as () => Run<M>, cleanup };
  }
  const run = async () => {
    const loss = g.tidy(() => {
      opt.zeroGrad();
      const l = lossFn.call(model.call(xs), ys);
      l.backward();
      opt.step();
      return l.detach();
    });
    await loss.values();
    loss.dispose();
  };
  return { run: run as () => Run<M>, cleanup };
}

/** The same step in the leanest tfjs: variables, ops, `optimizer.minimize`, softmax cross entropy on one-hot labels. */
export function tfjsTrainStep<M extends Read>(net: TrainingModel, read: M): TrainingStep<Run<M>> {
  const { logits, oneHot, owned } = net.tfjs();
  const opt = tf.train.sgd(0.01);
  const loss = () => tf.losses.softmaxCrossEntropy(oneHot, logits()) as tf.Scalar;
  const cleanup = () => {
    for (const t of [...owned, oneHot]) t.dispose();
    opt.dispose();
  };
  if (read === 'sync') {
    const run = () => {
      const cost = opt.minimize(loss, true)!;
      cost.dataSync();
      cost.dispose();
    };
    return { run: run as () => Run<M>, cleanup };
  }
  const run = async () => {
    const cost = opt.minimize(loss, true)!;
    await cost.data();
    cost.dispose();
  };
  return { run: run as () => Run<M>, cleanup };
}

const ADAM_SHAPES = [[784, 256], [256], [256, 10], [10]];

/** The row name of the Adam update workload. */
export function adamUpdateName(composite: boolean): string {
  return `Adam update of the MLP 784-256-10's parameters${composite ? ', Graft op by op (no fused kernel)' : ''} (ms)`;
}

/**
 * One Adam update (lr 1e-3) of the MLP 784-256-10's parameters from given
 * gradients, then a read of the last bias (the step's end, as a training loop
 * reads its loss). Graft runs its fused `adamStep` kernel (one shader or
 * compute pass per tensor written), or with `composite` the same formula op
 * by op (the kernel taken away), to show what the fusion saves; parameters
 * are made on `device` (default: the current backend).
 */
export function graftAdamUpdate<M extends Read>(read: M, composite: boolean, device?: string): TrainingStep<Run<M>> {
  const params = ADAM_SHAPES.map((s) => g.randn(s, { device }).requiresGrad_());
  for (const p of params) p.grad = g.randn(p.shape, { device });
  const opt = new Adam(params, { lr: 1e-3 });
  const backend = params[0]!.backend;
  const kernel = backend.adamStep;
  if (composite) backend.adamStep = undefined;
  const cleanup = () => {
    backend.adamStep = kernel;
    for (const p of params) p.dispose();
  };
  if (read === 'sync') {
    const run = () => {
      opt.step();
      params[3]!.dataSync();
    };
    return { run: run as () => Run<M>, cleanup };
  }
  const run = async () => {
    opt.step();
    await params[3]!.values();
  };
  return { run: run as () => Run<M>, cleanup };
}

/** The same update in tfjs: `AdamOptimizer.applyGradients` on variables. */
export function tfjsAdamUpdate<M extends Read>(read: M): TrainingStep<Run<M>> {
  const vars = ADAM_SHAPES.map((s, i) => tf.variable(tf.randomNormal(s), true, `adam${i}`));
  const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.randomNormal(ADAM_SHAPES[i]!) }));
  const opt = tf.train.adam(1e-3);
  const cleanup = () => {
    tf.dispose([...vars, ...grads.map((n) => n.tensor)]);
    opt.dispose();
  };
  if (read === 'sync') {
    const run = () => {
      opt.applyGradients(grads);
      vars[3]!.dataSync();
    };
    return { run: run as () => Run<M>, cleanup };
  }
  const run = async () => {
    opt.applyGradients(grads);
    await vars[3]!.data();
  };
  return { run: run as () => Run<M>, cleanup };
}
