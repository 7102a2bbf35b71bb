/** The `nn` namespace: every layer, loss and helper, as `torch.nn`. */
export {
  Module,
  type StateDict,
  type LoadStateDictOptions,
  type IncompatibleKeys,
  type StateDictOptions,
  type ZeroGradOptions,
  type ToOptions,
  type RecurseOptions,
  type NamedOptions,
  type NamedModulesOptions,
  type ForwardHook,
  type ForwardPreHook,
  type BackwardHook,
  type ForwardHookOptions,
  type ForwardPreHookOptions,
  type BackwardHookOptions,
  type HookHandle,
} from './module.js';
export { Parameter } from './parameter.js';
export { Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict } from './layers/containers.js';
export {
  Linear,
  Embedding,
  LayerNorm,
  Dropout,
  Flatten,
  Identity,
  ReLU,
  LeakyReLU,
  Tanh,
  Sigmoid,
  GELU,
  Softmax,
  type FactoryOptions,
  type NoOptions,
  type LinearOptions,
  type EmbeddingOptions,
  type EmbeddingFromPretrainedOptions,
  type LayerNormOptions,
  type DropoutOptions,
  type FlattenOptions,
  type ReLUOptions,
  type LeakyReLUOptions,
  type SoftmaxModuleOptions,
} from './layers/basic.js';
export {
  ELU,
  CELU,
  SELU,
  SiLU,
  Mish,
  Hardswish,
  Hardsigmoid,
  ReLU6,
  Softplus,
  Softsign,
  Tanhshrink,
  LogSigmoid,
  Softmax2d,
  Hardtanh,
  PReLU,
  GLU,
  LogSoftmax,
  Softmin,
  Threshold,
  Softshrink,
  Hardshrink,
  type PReLUOptions,
  type DimModuleOptions,
  type ThresholdModuleOptions,
} from './layers/activations.js';
export { RNNCell, LSTMCell, GRUCell, type CellOptions, type RNNCellOptions } from './layers/rnn-cells.js';
export { RNN, LSTM, GRU, type RNNOptions, type RecurrentOptions } from './layers/rnn.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from './layers/batchnorm.js';
export { InstanceNorm1d, InstanceNorm2d, type InstanceNormOptions } from './layers/instancenorm.js';
export { GroupNorm, RMSNorm, LocalResponseNorm, type GroupNormOptions, type RMSNormOptions } from './layers/normalization.js';
export { Bilinear } from './layers/bilinear.js';
export { EmbeddingBag, type EmbeddingBagOptions, type EmbeddingBagFromPretrainedOptions } from './layers/embedding-bag.js';
export { summary, ModelSummary, type SummaryOptions, type SummaryRow } from './summary.js';
export { Conv1d, Conv2d, MaxPool2d, AvgPool2d, type Conv1dOptions, type Conv2dOptions, type MaxPool2dOptions } from './layers/conv.js';
export {
  MultiheadAttention,
  NonDynamicallyQuantizableLinear,
  type MultiheadAttentionOptions,
  type MultiheadAttentionForwardOptions,
} from './layers/attention.js';
export {
  Transformer,
  TransformerEncoder,
  TransformerDecoder,
  TransformerEncoderLayer,
  TransformerDecoderLayer,
  type TransformerActivation,
  type TransformerLayerOptions,
  type TransformerOptions,
  type TransformerForwardOptions,
  type TransformerEncoderOptions,
  type EncoderLayerForwardOptions,
  type DecoderLayerForwardOptions,
} from './layers/transformer.js';
export { MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './layers/loss.js';
export {
  HuberLoss,
  SmoothL1Loss,
  KLDivLoss,
  CosineEmbeddingLoss,
  MarginRankingLoss,
  TripletMarginLoss,
  HingeEmbeddingLoss,
  SoftMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  PoissonNLLLoss,
  GaussianNLLLoss,
  CTCLoss,
} from './layers/losses-more.js';
/** Stateless forms of the layers and losses (`torch.nn.functional`). */
export * as functional from './functional.js';
/** Alias of `functional`, as PyTorch's `F`. */
export * as F from './functional.js';
/** Sequence packing, parameters as a vector, weight and spectral normalisation (`torch.nn.utils`). */
export * as utils from './utils/index.js';
/** In-place initialisers (`torch.nn.init`). */
export * as init from './init.js';
export { saveSafetensors, loadSafetensors, loadSafetensorsWithMetadata, type LoadSafetensorsOptions } from './safetensors.js';
