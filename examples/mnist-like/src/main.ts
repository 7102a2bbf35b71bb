/**
 * A small CNN trained on procedurally generated digit-like images (see
 * digits.ts), on the CPU backend; reports test accuracy.
 *
 *   pnpm --filter @graft/example-mnist-like start
 */
import * as g from '@graft/core';
import '@graft/backend-cpu';
import { DataLoader, disposeBatch, TensorDataset } from '@graft/data';
import { ProgressBar } from '@graft/example-progress';
import { nn } from '@graft/nn';
import { Adam } from '@graft/optim';
import { asciiArt, makeDigits, SIZE } from './digits.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const EPOCHS = flag('epochs', 3);
const TRAIN = flag('train', 3000);
const TEST = 500;
const BATCH = 50;

g.manualSeed(7);
const train = makeDigits(TRAIN);
const test = makeDigits(TEST);
console.log(`${TRAIN} training and ${TEST} test images of ${SIZE}x${SIZE}; the first is a ${train.labels.dataSync()[0]}:`);
console.log(asciiArt(train.images.select(0, 0).dataSync()));

const model = new nn.Sequential(
  new nn.Conv2d(1, 8, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(8, 16, 3, { padding: 1 }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Linear(16 * 4 * 4, 10),
);
console.log(String(model));
const optimizer = new Adam(model.parameters(), { lr: 0.005 });
const lossFn = new nn.CrossEntropyLoss();

function accuracy(images: g.Tensor, labels: g.Tensor): number {
  return g.noGrad(() =>
    g.tidy(() => {
      const predicted = (model.call(images) as g.Tensor).argmax(1);
      return predicted.eq(labels).float().mean().item() as number;
    }),
  );
}

model.eval();
console.log(`test accuracy before training: ${(100 * accuracy(test.images, test.labels)).toFixed(1)}%`);
model.train();
// Reshuffled every epoch (a RandomSampler drawing from the default generator, seeded above).
const loader = new DataLoader(new TensorDataset(train.images, train.labels), { batchSize: BATCH, shuffle: true });
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const bar = new ProgressBar(loader.length, `epoch ${epoch}/${EPOCHS}`);
  let running = 0;
  let s = 0;
  for (const [x, y] of loader) {
    const loss = g.tidy(() => {
      optimizer.zeroGrad();
      const l = lossFn.call(model.call(x), y);
      l.backward();
      optimizer.step();
      return l.item() as number;
    });
    disposeBatch([x, y]); // the batch is ours: free it, so the live tensor count stays flat
    running = s === 0 ? loss : 0.9 * running + 0.1 * loss;
    bar.update(++s, { loss: running.toFixed(3) });
  }
}
model.eval();
const acc = accuracy(test.images, test.labels);
console.log(`test accuracy after training: ${(100 * acc).toFixed(1)}%; live tensors ${g.memory().numTensors}`);
const minimum = flag('check', 0);
if (acc < minimum) {
  console.error(`accuracy ${acc} is below ${minimum}`);
  process.exit(1);
}
