/**
 * One training run on one device: the dataset's tensors, the model, its
 * optimizer and a seeded batch order. `step()` trains on one mini-batch;
 * `evaluate()` and `predictGrid()` run under `g.noGrad` (no graph is kept,
 * nothing to free but their results). `dispose()` gives back every tensor
 * the run holds, so a rebuild leaves `g.memory()` where it found it.
 */
import * as g from '@graft/core';
import { nn } from '@graft/nn';
import type { Points, Split } from './datasets.js';
import { buildModel, buildOptimizer, disposeModel, type ModelSpec, type OptimizerName, type TrainingOptimizer } from './model.js';

/** What a run trains: the model's shape and the optimizer, learning rate, batch size and seed. */
export interface RunSpec extends ModelSpec {
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  seed: number;
}

/** Losses (mean cross-entropy) and accuracies on the whole train and test sets. */
export interface Evaluation {
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

export class Trainer {
  /** Optimizer steps taken. */
  steps = 0;
  readonly model: nn.Sequential;
  private readonly optimizer: TrainingOptimizer;
  private readonly lossFn = new nn.CrossEntropyLoss();
  private readonly xTrain: g.Tensor;
  private readonly yTrain: g.Tensor;
  private readonly xTest: g.Tensor;
  private readonly yTest: g.Tensor;
  private readonly grid: g.Tensor;
  /** Batches come from a generator of their own, so the model's initialisation and the batch order are both fixed by the seed. */
  private readonly batchGenerator: g.Generator;
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;

  /**
   * Builds the run on `device` (made the current device). `grid` holds the
   * points at which the boundary is drawn, row-major [m, 2].
   */
  constructor(
    readonly device: string,
    data: Split,
    grid: Float32Array,
    readonly spec: RunSpec,
  ) {
    g.setBackend(device);
    const put = (p: Points) => [g.tensor(p.x, { shape: [p.y.length, 2] }), g.tensor(p.y)] as const;
    [this.xTrain, this.yTrain] = put(data.train);
    [this.xTest, this.yTest] = put(data.test);
    this.grid = g.tensor(grid, { shape: [grid.length / 2, 2] });
    // The same seed gives the same initial weights on every device: runs on two backends follow one curve.
    g.manualSeed(spec.seed);
    this.model = buildModel(spec);
    this.optimizer = buildOptimizer(spec.optimizer, this.model, spec.lr);
    this.batchGenerator = new g.Generator().manualSeed(spec.seed);
  }

  /** The next mini-batch's rows: epochs of a seeded permutation of the training set (as a shuffling DataLoader). */
  private nextBatch(): Int32Array {
    const n = this.yTrain.shape[0]!;
    const size = Math.min(this.spec.batchSize, n);
    if (this.cursor + size > this.order.length) {
      this.order = g.tidy(() => g.randperm(n, { generator: this.batchGenerator, device: 'cpu' }).dataSync() as Int32Array);
      this.cursor = 0;
    }
    this.cursor += size;
    return this.order.subarray(this.cursor - size, this.cursor);
  }

  /** One optimizer step on one mini-batch. Nothing is read back, so the GPU is never waited on here. */
  step(): void {
    const rows = this.nextBatch();
    g.tidy(() => {
      const index = g.tensor(rows.slice(), { device: this.device });
      this.optimizer.zeroGrad();
      const loss = this.lossFn.call(this.model.call(this.xTrain.indexSelect(0, index)), this.yTrain.indexSelect(0, index));
      loss.backward();
      this.optimizer.step();
    });
    this.steps++;
  }

  /** Loss and accuracy on all train and test points, read back in one transfer. */
  async evaluate(): Promise<Evaluation> {
    const stats = g.noGrad(() =>
      g.tidy(() => {
        const of = (x: g.Tensor, y: g.Tensor) => {
          const logits = this.model.call(x);
          return [this.lossFn.call(logits, y), logits.argmax(1).eq(y).float().mean()];
        };
        return g.stack([...of(this.xTrain, this.yTrain), ...of(this.xTest, this.yTest)]);
      }),
    );
    try {
      const [trainLoss, trainAccuracy, testLoss, testAccuracy] = await stats.values();
      return { trainLoss: trainLoss!, testLoss: testLoss!, trainAccuracy: trainAccuracy!, testAccuracy: testAccuracy! };
    } finally {
      stats.dispose();
    }
  }

  /** P(class 1) at every grid point: one batched forward pass of the whole grid. */
  async predictGrid(): Promise<Float32Array> {
    const p = g.noGrad(() => g.tidy(() => this.model.call(this.grid).softmax(1).select(1, 1)));
    try {
      return (await p.values()) as Float32Array;
    } finally {
      p.dispose();
    }
  }

  /** Gives back every tensor of the run: data, grid, parameters, gradients and optimizer state. */
  dispose(): void {
    disposeModel(this.model, this.optimizer);
    for (const t of [this.xTrain, this.yTrain, this.xTest, this.yTest, this.grid]) t.dispose();
  }
}
