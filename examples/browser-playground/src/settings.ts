/**
 * Everything a visitor can set, in one object: the URL carries it (url-state.ts),
 * the controls edit it (controls.ts), and the playground builds its run from it.
 */
import { DATASETS, type DatasetName } from './datasets.js';
import { ACTIVATIONS, type ActivationName, OPTIMIZERS, type OptimizerName } from './model.js';

export interface Settings {
  tab: 'boundary' | 'text';
  backend: string;
  dataset: DatasetName;
  /** The std of the Gaussian noise added to each coordinate. */
  noise: number;
  /** The fraction of points trained on; the rest are the test set. */
  trainRatio: number;
  /** Hidden layer widths, first to last. */
  hidden: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  lr: number;
  batchSize: number;
  seed: number;
}

export const DEFAULTS: Settings = {
  tab: 'boundary',
  backend: 'cpu',
  dataset: 'spirals',
  noise: 0.05,
  trainRatio: 0.5,
  hidden: [16, 16],
  activation: 'relu',
  optimizer: 'adam',
  lr: 0.03,
  batchSize: 32,
  seed: 1,
};

/** The choices the menus offer (and the only values a URL may set). */
export const CHOICES = {
  dataset: Object.keys(DATASETS) as DatasetName[],
  activation: Object.keys(ACTIVATIONS) as ActivationName[],
  optimizer: Object.keys(OPTIMIZERS) as OptimizerName[],
  lr: [0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1],
  batchSize: [1, 4, 8, 16, 32, 64, 128, 256],
};

/** Limits of the free numbers: a shared URL cannot ask for a 10⁶-wide layer. */
export const LIMITS = {
  noise: { min: 0, max: 0.3, step: 0.01 },
  trainRatio: { min: 0.1, max: 0.9, step: 0.1 },
  width: { min: 1, max: 64 },
  layers: { max: 6 },
  seed: { min: 0, max: 2 ** 31 - 1 },
};

/** Settings that change the data or the model: changing one starts a new run and clears the loss plot. Backend and tab do not clear it. */
export function sameRun(a: Settings, b: Settings): boolean {
  const { tab: _t, backend: _b, ...restA } = a;
  const { tab: _t2, backend: _b2, ...restB } = b;
  return JSON.stringify(restA) === JSON.stringify(restB);
}
