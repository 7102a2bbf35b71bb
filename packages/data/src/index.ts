/**
 * @graft/data — PyTorch's `torch.utils.data` for Graft: datasets
 * (`TensorDataset`, `Subset`, `ConcatDataset`, `randomSplit`; any object with
 * `length` and `get(i)`, sync or async; iterables), samplers
 * (`SequentialSampler`, `RandomSampler`, `SubsetRandomSampler`,
 * `WeightedRandomSampler`, `BatchSampler`) and `DataLoader`, iterated with
 * `for…of` or `for await…of`, giving PyTorch's batches for the same seed.
 *
 * @example
 * import { DataLoader, TensorDataset } from '@graft/data';
 * const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true });
 * for (const [xb, yb] of loader) train(xb, yb);
 *
 * @module @graft/data
 */
export type { AsyncIterableDataset, Dataset, IterableDataset, MapDataset } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset } from './subset.js';
export { ConcatDataset } from './concat-dataset.js';
export { randomSplit, type RandomSplitOptions } from './random-split.js';
export {
  BatchSampler,
  RandomSampler,
  SequentialSampler,
  SubsetRandomSampler,
  WeightedRandomSampler,
  type BatchSamplerOptions,
  type RandomSamplerOptions,
  type Sampler,
  type WeightedRandomSamplerOptions,
} from './samplers.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { defaultCollate, defaultConvert, type Collated } from './collate.js';
export { disposeBatch } from './dispose.js';
