/**
 * The 2-D classification datasets: two classes of points in about [-1, 1]²,
 * drawn from a seeded `g.Generator` (PyTorch's CPU stream), so a URL names
 * exactly one dataset on every backend. The points are host arrays: the
 * trainer copies them to whichever device it runs on.
 */
import * as g from '@graft/core';
// The datasets draw on the CPU device whatever backend trains: import it here, where it is needed.
import '@graft/backend-cpu';

/** The datasets, in the order the menu lists them. */
export const DATASETS = {
  spirals: { label: 'Two spirals', draw: spirals },
  circles: { label: 'Circles', draw: circles },
  xor: { label: 'XOR', draw: xor },
  blobs: { label: 'Gaussian blobs', draw: blobs },
} as const;
export type DatasetName = keyof typeof DATASETS;

/** Points (row-major [n, 2]) and their labels (0 or 1). */
export interface Points {
  x: Float32Array;
  y: Int32Array;
}

/** A dataset split into the points the model trains on and the held-out points it is tested on. */
export interface Split {
  train: Points;
  test: Points;
}

/** How a dataset is made: its name, the noise (std of the Gaussian added to each coordinate), its size, the split and the seed. */
export interface DatasetOptions {
  name: DatasetName;
  noise: number;
  /** The fraction of the points trained on (the rest are the test set). */
  trainRatio: number;
  /** Points per class. */
  perClass: number;
  seed: number;
}

/**
 * Draws the dataset and splits it at random into train and test points.
 *
 * @example
 * const { train, test } = makeDataset({ name: 'xor', noise: 0.1, trainRatio: 0.5, perClass: 200, seed: 1 });
 */
export function makeDataset(o: DatasetOptions): Split {
  const gen = new g.Generator().manualSeed(o.seed);
  const draw = (shape: number[], kind: 'rand' | 'randn') =>
    g.tidy(
      () =>
        (kind === 'rand'
          ? g.rand(shape, { generator: gen, device: 'cpu' })
          : g.randn(shape, { generator: gen, device: 'cpu' })
        ).dataSync() as Float32Array,
    );
  const all = DATASETS[o.name].draw(o.perClass, draw);
  const jitter = draw([2 * o.perClass, 2], 'randn');
  for (let i = 0; i < all.x.length; i++) all.x[i]! += o.noise * jitter[i]!;
  const order = g.tidy(() => g.randperm(2 * o.perClass, { generator: gen, device: 'cpu' }).dataSync() as Int32Array);
  const nTrain = Math.max(1, Math.min(2 * o.perClass - 1, Math.round(o.trainRatio * 2 * o.perClass)));
  return { train: pick(all, order.subarray(0, nTrain)), test: pick(all, order.subarray(nTrain)) };
}

/** Draws `shape` uniform ([0, 1)) or standard normal numbers from the dataset's generator. */
type Draw = (shape: number[], kind: 'rand' | 'randn') => Float32Array;

function pick(p: Points, rows: Int32Array): Points {
  const x = new Float32Array(2 * rows.length);
  const y = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    x[2 * i] = p.x[2 * r]!;
    x[2 * i + 1] = p.x[2 * r + 1]!;
    y[i] = p.y[r]!;
  });
  return { x, y };
}

/** Fills `n` points per class with `at(class, i)`. */
function fill(n: number, at: (k: number, i: number) => [number, number]): Points {
  const x = new Float32Array(4 * n);
  const y = new Int32Array(2 * n);
  for (let k = 0; k < 2; k++) {
    for (let i = 0; i < n; i++) {
      const j = k * n + i;
      [x[2 * j], x[2 * j + 1]] = at(k, i);
      y[j] = k;
    }
  }
  return { x, y };
}

/** Two interleaved arms, 1.75 turns each, the second the first turned by half a turn. */
function spirals(n: number, draw: Draw): Points {
  const t = draw([2 * n], 'rand');
  return fill(n, (k, i) => {
    const s = t[k * n + i]!;
    const r = 0.08 + 0.92 * s;
    const a = s * 1.75 * 2 * Math.PI + k * Math.PI;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}

/** A disc (class 0) inside a ring (class 1). */
function circles(n: number, draw: Draw): Points {
  const u = draw([2 * n, 2], 'rand');
  return fill(n, (k, i) => {
    const j = k * n + i;
    const r = k === 0 ? 0.5 * u[2 * j]! : 0.7 + 0.3 * u[2 * j]!;
    const a = 2 * Math.PI * u[2 * j + 1]!;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}

/** Class 1 where x and y have the same sign; points keep 0.1 away from the axes, so the clean labels are unambiguous. */
function xor(n: number, draw: Draw): Points {
  const u = draw([2 * n, 2], 'rand');
  return fill(n, (k, i) => {
    const j = k * n + i;
    // Quadrant by class and by the parity of i: class 1 in the first and third, class 0 in the second and fourth.
    const sx = i % 2 === 0 ? 1 : -1;
    const sy = k === 1 ? sx : -sx;
    return [sx * (0.1 + 0.9 * u[2 * j]!), sy * (0.1 + 0.9 * u[2 * j + 1]!)];
  });
}

/** Two round Gaussian blobs (std 0.25) centred at (-0.5, -0.5) and (0.5, 0.5). */
function blobs(n: number, draw: Draw): Points {
  const z = draw([2 * n, 2], 'randn');
  return fill(n, (k, i) => {
    const j = k * n + i;
    const c = k === 0 ? -0.5 : 0.5;
    return [c + 0.25 * z[2 * j]!, c + 0.25 * z[2 * j + 1]!];
  });
}
