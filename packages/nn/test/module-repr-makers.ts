/** The modules of modules.json's repr cases (generate_nn_modules.py), built the Graft way; reprs.test.ts counts them as covered. */
import * as g from '@graft/core';
import { type Module, nn } from '../src/index.js';

export const moduleReprMakers: Record<string, () => Module> = {
  'BatchNorm2d(3)': () => new nn.BatchNorm2d(3),
  'BatchNorm2d(4,eps=1e-3,momentum=None,affine=False,track_running_stats=False)': () =>
    new nn.BatchNorm2d(4, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }),
  'InstanceNorm1d(3)': () => new nn.InstanceNorm1d(3),
  'InstanceNorm2d(3,affine=True,track_running_stats=True)': () => new nn.InstanceNorm2d(3, { affine: true, trackRunningStats: true }),
  'GroupNorm(2,6)': () => new nn.GroupNorm(2, 6),
  'GroupNorm(1,4,eps=1e-3,affine=False)': () => new nn.GroupNorm(1, 4, { eps: 1e-3, affine: false }),
  'RMSNorm(5)': () => new nn.RMSNorm(5),
  'RMSNorm((2,3),eps=1e-6,elementwise_affine=False)': () => new nn.RMSNorm([2, 3], { eps: 1e-6, elementwiseAffine: false }),
  'LocalResponseNorm(3)': () => new nn.LocalResponseNorm(3),
  'LocalResponseNorm(2,alpha=0.3,beta=0.5,k=2)': () => new nn.LocalResponseNorm(2, { alpha: 0.3, beta: 0.5, k: 2 }),
  'Bilinear(3,4,2)': () => new nn.Bilinear(3, 4, 2),
  'Bilinear(3,4,2,bias=False)': () => new nn.Bilinear(3, 4, 2, { bias: false }),
  'EmbeddingBag(10,3)': () => new nn.EmbeddingBag(10, 3),
  "EmbeddingBag(10,3,mode='max',padding_idx=2)": () => new nn.EmbeddingBag(10, 3, { mode: 'max', paddingIdx: 2 }),
  ModuleDict: () => new nn.ModuleDict({ fc: new nn.Linear(2, 1), act: new nn.ReLU() }),
  ParameterList: () => new nn.ParameterList([g.randn(2, 3), g.randn([4], { dtype: 'float64' })]),
  ParameterDict: () => new nn.ParameterDict({ b: g.randn(2), a: g.randn(1, 3) }),
  Sequential_slice: () => new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU(), new nn.Linear(2, 1)).slice(1),
};
