/**
 * The options table's rows (options-cases.ts) for the construction, shape and
 * scatter ops: each function and method called with a misspelt key.
 */
import * as g from '@graft/core';
import type { OptionsEntry } from './options-cases.js';

type O = Record<string, unknown>;
type Method = (...a: unknown[]) => unknown;
const m = () =>
  g.tensor([
    [1, 2],
    [3, 4],
  ]);
const i = (values: number[]) => g.tensor(values, { dtype: 'int32' });

/** `name` as a g. function and a Tensor method (and its in-place forms), each given `args` then the options. */
function forms(name: string, key: string, args: () => unknown[], methods: string[] = [name], op = name): OptionsEntry[] {
  const lib = g as unknown as Record<string, Method>;
  return [
    { name, op, key, call: (o: O) => lib[name]!(m(), ...args(), o) },
    ...methods.map((method) => ({
      name: `Tensor.${method}`,
      op,
      key,
      call: (o: O) => (m() as unknown as Record<string, Method>)[method]!(...args(), o),
    })),
  ];
}

export const constructionOptionsTable: OptionsEntry[] = [
  ...forms('tril', 'diagonals', () => [], ['tril', 'tril_']),
  ...forms('triu', 'Diagonal', () => [0], ['triu', 'triu_']),
  ...forms('diag', 'offset', () => []),
  ...forms('diagonal', 'dim_1', () => []),
  ...forms('diagEmbed', 'dim_2', () => [0]),
  ...forms('roll', 'dim', () => [1]),
  ...forms('rot90', 'dim', () => []),
  ...forms('repeatInterleave', 'output_size', () => [2]),
  ...forms('unbind', 'axis', () => []),
  ...forms('tensorSplit', 'axis', () => [2]),
  ...forms('cumprod', 'dtpye', () => [0], ['cumprod', 'cumprod_']),
  ...forms('logcumsumexp', 'axis', () => [0]),
  ...forms('scatter', 'reduction', () => [1, i([0, 0]).reshape(2, 1), 1], ['scatter', 'scatter_']),
  ...forms('scatterReduce', 'include_self', () => [1, i([0, 0]).reshape(2, 1), m(), 'sum'], ['scatterReduce', 'scatterReduce_']),
  ...forms('indexAdd', 'alhpa', () => [1, i([0]), g.ones(2, 1)], ['indexAdd', 'indexAdd_']),
  { name: 'trilIndices', op: 'trilIndices', key: 'dtpye', call: (o) => g.trilIndices(2, 2, o) },
  { name: 'triuIndices', op: 'triuIndices', key: 'offest', call: (o) => g.triuIndices(2, 2, 0, o) },
  { name: 'meshgrid', op: 'meshgrid', key: 'index', call: (o) => g.meshgrid(g.ones(2), g.ones(3), o) },
  { name: 'oneHot', op: 'oneHot', key: 'num_classes', call: (o) => g.oneHot(i([0, 1]), o) },
];
