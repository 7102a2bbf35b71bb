/**
 * PyTorch's default collation (`default_collate`) and conversion
 * (`default_convert`), for JavaScript values: tensors are stacked, numbers
 * and booleans become tensors, TypedArrays (NumPy arrays' counterpart) become
 * rows of a tensor, strings stay a list, and arrays, plain objects and Maps
 * are collated field by field.
 */
import * as g from '@graft/core';
import { describe } from './dataset.js';

/** A TypedArray (not a DataView). */
type TypedArray = g.TypedArray;

/**
 * The type `defaultCollate` makes of a batch of `T`: tensors, numbers,
 * booleans and TypedArrays → a Tensor; strings → string[]; arrays, objects
 * and Maps field by field.
 */
export type Collated<T> = T extends g.Tensor | number | boolean | TypedArray
  ? g.Tensor
  : T extends string
    ? string[]
    : T extends Map<infer K, infer V>
      ? Map<K, Collated<V>>
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : unknown;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function isTypedArray(x: unknown): x is TypedArray {
  return ArrayBuffer.isView(x) && !(x instanceof DataView);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** What kind of element `x` is, for collation: the branch of default_collate it takes. */
function kindOf(x: unknown): string {
  if (x instanceof g.Tensor) return 'tensor';
  if (isTypedArray(x)) return x.constructor.name;
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'string') return typeof x;
  if (x instanceof Map) return 'Map';
  if (Array.isArray(x)) return 'array';
  if (isPlainObject(x)) return 'object';
  return describe(x);
}

/**
 * Numbers → a tensor. JavaScript has one number type where Python has two,
 * so the values decide: all integers within int32 → int32 (PyTorch's `int` →
 * int64; Graft's integers are int32), otherwise float64 (PyTorch's `float` →
 * float64; float32 on a device without float64).
 */
function numbersToTensor(batch: readonly number[]): g.Tensor {
  if (batch.every((x) => Number.isInteger(x) && x >= INT32_MIN && x <= INT32_MAX)) return g.tensor(Int32Array.from(batch));
  return g.tensor(g.getBackend().supportsFloat64 ? Float64Array.from(batch) : Float32Array.from(batch));
}

/**
 * Collates a list of samples into a batch, as PyTorch's `default_collate`
 * (what a `DataLoader` does by default):
 * - tensors → `g.stack(batch)` (a new first dimension);
 * - numbers → a 1-D tensor: int32 when every number is an integer within
 *   int32 (PyTorch's `int` → int64), else float64 (PyTorch's `float`);
 * - booleans → a bool tensor;
 * - TypedArrays (of one length and kind) → a `[batch, length]` tensor of their
 *   dtype (`Float32Array` → float32, `Int32Array` → int32, …), as PyTorch
 *   does with NumPy arrays;
 * - strings → the array of them;
 * - arrays (tuples) → an array of each position collated (all of one length);
 * - plain objects and Maps → the same keys, each collated.
 * Anything else, or a batch mixing kinds, is a TypeError naming the entry.
 *
 * @example
 * defaultCollate([0, 1, 2, 3]);                                   // tensor([0, 1, 2, 3]) (int32)
 * defaultCollate([{ a: 0, b: 1 }, { a: 100, b: 100 }]);         // { a: tensor([  0, 100]), b: tensor([  1, 100]) }
 * defaultCollate([[g.ones(2), 0], [g.zeros(2), 1]]);              // [tensor [2, 2], tensor([0, 1])]
 */
export function defaultCollate<T>(batch: readonly T[]): Collated<T> {
  return collate(batch, '') as Collated<T>;
}

/** Collates `batch`; `path` is the field being collated ('' for whole samples, '.label', '[0]', …), for messages. */
function collate(batch: readonly unknown[], path: string): unknown {
  const op = 'defaultCollate';
  if (!Array.isArray(batch)) throw new TypeError(`${op}: expected a batch as an array of samples, got ${describe(batch)}`);
  if (batch.length === 0) throw new RangeError(`${op}: the batch is empty`);
  const kind = kindOf(batch[0]);
  const bad = batch.findIndex((x) => kindOf(x) !== kind);
  if (bad >= 0) {
    throw new TypeError(
      `${op}: ${at(bad, path)} is ${article(kindOf(batch[bad]))} where ${at(0, path)} is ${article(kind)}: a batch's samples must have one structure`,
    );
  }
  const elem = batch[0];
  if (elem instanceof g.Tensor) return g.stack(batch as g.Tensor[], 0);
  if (isTypedArray(elem)) return stackTypedArrays(batch as TypedArray[], path);
  if (typeof elem === 'number') return numbersToTensor(batch as number[]);
  if (typeof elem === 'boolean') return g.tensor(batch as boolean[]);
  if (typeof elem === 'string') return [...batch];
  if (elem instanceof Map) {
    const maps = batch as Map<unknown, unknown>[];
    return new Map(
      [...elem.keys()].map((key) => [
        key,
        collate(
          pick(
            maps,
            key,
            path,
            (m, k) => m.has(k),
            (m, k) => m.get(k),
          ),
          `${path}.get(${JSON.stringify(key) ?? String(key)})`,
        ),
      ]),
    );
  }
  if (Array.isArray(elem)) {
    const size = elem.length;
    const uneven = batch.findIndex((x) => (x as unknown[]).length !== size);
    if (uneven >= 0) {
      throw new RangeError(
        `${op}: each element in list of batch should be of equal size (${at(0, path)} has ${size} entries, ${at(uneven, path)} has ${(batch[uneven] as unknown[]).length})`,
      );
    }
    return elem.map((_, i) =>
      collate(
        batch.map((x) => (x as unknown[])[i]),
        `${path}[${i}]`,
      ),
    );
  }
  if (isPlainObject(elem)) {
    const objects = batch as Record<string, unknown>[];
    return Object.fromEntries(
      Object.keys(elem).map((key) => [
        key,
        collate(
          pick(
            objects,
            key,
            path,
            (o, k) => k in o,
            (o, k) => o[k],
          ),
          `${path}.${key}`,
        ),
      ]),
    );
  }
  throw new TypeError(
    `${op}: batch must contain tensors, TypedArrays, numbers, booleans, strings, arrays, plain objects or Maps; found ${article(kind)} at ${at(0, path)}`,
  );
}

/** Sample `i`'s field `path`, in words. */
function at(i: number, path: string): string {
  return path === '' ? `sample ${i}` : `sample ${i}'s ${path}`;
}

function article(kind: string): string {
  return /^[aeiouAEIOU]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** Field `key` of every sample, or an error naming the sample that lacks it. */
function pick<C, K>(batch: readonly C[], key: K, path: string, has: (c: C, k: K) => boolean, get: (c: C, k: K) => unknown): unknown[] {
  return batch.map((c, i) => {
    if (!has(c, key))
      throw new TypeError(`defaultCollate: ${at(i, path)} has no key ${JSON.stringify(key) ?? String(key)} (${at(0, path)} has it)`);
    return get(c, key);
  });
}

/** TypedArrays of one kind and length → one `[batch, length]` tensor, copied once. */
function stackTypedArrays(batch: readonly TypedArray[], path: string): g.Tensor {
  const length = batch[0]!.length;
  const uneven = batch.findIndex((x) => x.length !== length);
  if (uneven >= 0) {
    throw new RangeError(
      `defaultCollate: TypedArrays in a batch must have one length; ${at(0, path)} has ${length}, ${at(uneven, path)} has ${batch[uneven]!.length}`,
    );
  }
  const Ctor = batch[0]!.constructor as new (n: number) => TypedArray;
  const out = new Ctor(batch.length * length);
  batch.forEach((x, i) => (out as unknown as { set(a: ArrayLike<number>, o: number): void }).set(x as ArrayLike<number>, i * length));
  return g.tensor(out, { shape: [batch.length, length] });
}

/**
 * Converts one sample without batching it, as PyTorch's `default_convert`
 * (a `DataLoader` with `batchSize: null`): TypedArrays → tensors of their
 * dtype; arrays, plain objects and Maps converted field by field; tensors,
 * numbers and everything else unchanged.
 *
 * @example
 * defaultConvert({ x: Float32Array.of(1, 2), label: 3 }); // { x: tensor([1., 2.]), label: 3 }
 */
export function defaultConvert<T>(data: T): unknown {
  if (data instanceof g.Tensor) return data;
  if (isTypedArray(data)) return g.tensor(data);
  if (data instanceof Map) return new Map([...data].map(([k, v]) => [k, defaultConvert(v)]));
  if (Array.isArray(data)) return data.map(defaultConvert);
  if (isPlainObject(data)) return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, defaultConvert(v)]));
  return data;
}
