/**
 * `g.special`: PyTorch's `torch.special` names for the special functions
 * (the same functions as their `g.` names: `g.special.gammaln` is `g.lgamma`).
 */
export { erf, expm1, log1p, sigmoid as expit } from './elementwise.js';
export { digamma, digamma as psi, erfc, erfinv, lgamma as gammaln, logit, polygamma, xlogy, zeta } from './special.js';
export { exp2 } from './unary-math.js';
