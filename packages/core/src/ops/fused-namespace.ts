/**
 * `g.fused`: fused updates (one pass over memory where the backend has the
 * optional kernel, the same formula op by op otherwise). `@graft/optim`'s
 * Adam, AdamW and SGD run their steps through these; `@graft/nn`'s
 * `F.conv2d` tries `conv2d` (the backend's convolution kernel) first, and its
 * pointwise activations `activation` (ATen's fused activation kernels).
 *
 * @module
 */
export { gruCell, lstmCell } from './fused-rnn.js';
export { lstmSequence, type LstmSequenceOptions } from './fused-lstm-sequence.js';
export { adam_, sgd_, type AdamState, type FusedAdamOptions, type FusedSgdOptions } from './fused-optim.js';
export { conv2d, type FusedConv2dOptions } from './fused-conv.js';
export { activation } from './fused-activation.js';
