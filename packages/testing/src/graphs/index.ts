/** Random autograd graphs: the generator, the interpreter, and the checks (finite differences, PyTorch). */
export type { ConstSpec, GraphMode, GraphResult, GraphSpec, LeafSpec, Ref, Step } from './spec.js';
export { generateGraph, seedOf, Rng, type GenerateOptions } from './generate.js';
export { buildGraph, runGraph, GRAPH_OPS } from './interpret.js';
export { checkGraphAgainst, checkGraphByFiniteDifferences, type FiniteDifferenceReport, type GraphCase } from './check.js';
