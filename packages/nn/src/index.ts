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
export * from './nn.js';

/** Everything under one name, as `torch.nn` (a namespace: `nn.Module` works as a type too). */
export * as nn from './nn.js';
