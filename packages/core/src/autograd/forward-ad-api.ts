/** `g.autograd.forwardAd`: dual numbers (the public part of forward-ad.ts). */
export { dualLevel, makeDual, unpackDual } from './forward-ad.js';
