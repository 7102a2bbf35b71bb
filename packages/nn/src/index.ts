/**
 * @graft/nn — layers, losses and initialisers with PyTorch's names, shapes and
 * initialisation, so PyTorch state dicts load unchanged.
 *
 * @example
 * import * as g from '@graft/core';
 * import '@graft/backend-cpu';
 * import { nn } from '@graft/nn';
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
 * const loss = new nn.MSELoss().call(model.call(g.randn(16, 4)), g.randn(16, 1));
 */
import * as functional from './functional.js';
import * as init from './init.js';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss } from './layers/loss.js';
import { Dropout, Embedding, Flatten, GELU, Identity, LayerNorm, Linear, ReLU, Sigmoid, Softmax, Tanh } from './layers/basic.js';
import { ModuleList, Sequential } from './layers/containers.js';
import { GRUCell, LSTMCell, RNNCell } from './layers/rnn-cells.js';
import { GRU, LSTM, RNN } from './layers/rnn.js';
import { BatchNorm1d } from './layers/batchnorm.js';
import { AvgPool2d, Conv1d, Conv2d, MaxPool2d } from './layers/conv.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

export { Module, type StateDict, type LoadStateDictOptions } from './module.js';
export { Parameter } from './parameter.js';
export { Sequential, ModuleList } from './layers/containers.js';
export { Linear, Embedding, LayerNorm, Dropout, Flatten, Identity, ReLU, Tanh, Sigmoid, GELU, Softmax, type FactoryOptions } from './layers/basic.js';
export { RNNCell, LSTMCell, GRUCell } from './layers/rnn-cells.js';
export { RNN, LSTM, GRU, type RNNOptions } from './layers/rnn.js';
export { BatchNorm1d } from './layers/batchnorm.js';
export { Conv1d, Conv2d, MaxPool2d, AvgPool2d } from './layers/conv.js';
export { MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss } from './layers/loss.js';
export { functional, functional as F, init };
export { saveSafetensors, loadSafetensors, loadSafetensorsWithMetadata } from './safetensors.js';

/** Everything under one name, as `torch.nn`. */
export const nn = {
  Module, Parameter, Sequential, ModuleList, Linear, Embedding, LayerNorm, Dropout, Flatten, Identity,
  ReLU, Tanh, Sigmoid, GELU, Softmax, RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU, BatchNorm1d,
  Conv1d, Conv2d, MaxPool2d, AvgPool2d,
  MSELoss, L1Loss, NLLLoss, CrossEntropyLoss, BCELoss, BCEWithLogitsLoss,
  functional, F: functional, init,
};
