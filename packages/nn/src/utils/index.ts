/** `nn.utils`, as `torch.nn.utils`: sequence packing (`rnn`), parameters as a vector, weight and spectral normalisation. */
export * as rnn from './rnn.js';
export { PackedSequence } from './rnn.js';
export { parametersToVector, vectorToParameters } from './parameters-vector.js';
export { weightNorm, removeWeightNorm } from './weight-norm.js';
export { spectralNorm, removeSpectralNorm, type SpectralNormOptions } from './spectral-norm.js';
