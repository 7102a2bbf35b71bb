/**
 * The advanced part of an indexing expression made ready for positions:
 * masks turned into coordinates (a host read of the mask, as PyTorch's
 * `nonzero` syncs), index tensors broadcast together, checked against the
 * sizes they index (PyTorch's IndexError message; on a GPU backend checked on
 * the device and reported at the next read) and made non-negative.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { assertAsyncWithDetail } from '../checks.js';
import { tidy } from '../memory.js';
import { contiguousStrides, formatShape, numel } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { fromValues, wrap } from './dispatch.js';
import type { IndexPlan } from './index-items.js';
import { gatherRaw, kernelOp, viewOf } from './index-positions.js';

/** The index tensors of an expression, ready for `positionsOf`. */
export interface ResolvedSlots {
  /** The dims of the basic view they index, ascending. */
  readonly dims: readonly number[];
  /** Each index's shape. */
  readonly shapes: readonly (readonly number[])[];
  /** Their broadcast shape. */
  readonly bShape: readonly number[];
  /** Whether a mask is among them: its coordinates are distinct, so no two index tuples are equal. */
  readonly distinct: boolean;
  /**
   * The indices on the host, non-negative and in range, when all of them are
   * there (arrays, masks, booleans, and tensors read where reads are cheap):
   * positions are then computed on the host, without kernels.
   */
  readonly host: readonly Int32Array[] | undefined;
  /** The indices as int32 tensors on the indexed tensor's device, non-negative (made in the caller's scope, on first call). */
  indices(): readonly Tensor[];
}

interface Pending {
  dim: number;
  shape: readonly number[];
  host?: Int32Array;
  tensor?: Tensor;
  fromMask: boolean;
}

/** PyTorch's `nonzero` of host values: one Int32Array of coordinates per dim. */
export function maskCoordinates(values: ArrayLike<number>, shape: readonly number[]): Int32Array[] {
  const n = values.length;
  let count = 0;
  // Nonzero, as PyTorch counts it: NaN is nonzero.
  for (let i = 0; i < n; i++) if (values[i] !== 0) count++;
  const nd = shape.length;
  const coords = shape.map(() => new Int32Array(count));
  if (nd === 0 || count === 0) return coords;
  // Row by row: the leading coordinates change once per row, the last one is the column.
  const width = shape[nd - 1]!;
  const last = coords[nd - 1]!;
  const lead = new Array<number>(nd - 1).fill(0);
  let k = 0;
  for (let base = 0; base < n; base += width) {
    for (let j = 0; j < width; j++) {
      if (values[base + j] === 0) continue;
      for (let d = 0; d < nd - 1; d++) coords[d]![k] = lead[d]!;
      last[k++] = j;
    }
    for (let d = nd - 2; d >= 0; d--) {
      if (++lead[d]! < shape[d]!) break;
      lead[d] = 0;
    }
  }
  return coords;
}

function broadcastIndexShapes(shapes: readonly (readonly number[])[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = n - s.length + i;
      const a = out[j]!;
      const b = s[i]!;
      if (a === b || b === 1) continue;
      if (a === 1) out[j] = b;
      else
        throw new RangeError(
          `shape mismatch: indexing tensors could not be broadcast together with shapes ${shapes.map(formatShape).join(', ')}`,
        );
    }
  }
  return out;
}

function outOfBounds(value: number, ordinal: number, size: number): string {
  return `index ${value} is out of bounds for dimension ${ordinal} with size ${size}`;
}

/**
 * Checks host index values in PyTorch's order (the result's elements in
 * row-major order, and for each the indices in order): the first one out of
 * [-size, size) raises PyTorch's IndexError message.
 */
function checkHost(
  slots: readonly { values: Int32Array; shape: readonly number[]; size: number; ordinal: number }[],
  bShape: readonly number[],
): void {
  const n = numel(bShape);
  // Each slot's stride per broadcast dim (0 where it broadcasts).
  const strides = slots.map((s) => {
    const own = contiguousStrides(s.shape);
    return bShape.map((_, j) => {
      const i = j - (bShape.length - s.shape.length);
      return i < 0 || s.shape[i] === 1 ? 0 : own[i]!;
    });
  });
  const fast = slots.every((s) => s.values.length === n);
  for (let e = 0; e < n; e++) {
    for (let k = 0; k < slots.length; k++) {
      const s = slots[k]!;
      let at = e;
      if (!fast) {
        at = 0;
        let rest = e;
        for (let j = bShape.length - 1; j >= 0; j--) {
          const c = rest % bShape[j]!;
          rest = (rest - c) / bShape[j]!;
          at += c * strides[k]![j]!;
        }
      }
      const v = s.values[at]!;
      if (!(v >= -s.size && v < s.size)) throw new RangeError(outOfBounds(v, s.ordinal, s.size));
    }
  }
}

/**
 * Checks an int32 `index` against [-size, size) (or [0, size) without
 * `negative`), naming the first value outside with `describe`: on the host
 * where reads are cheap (returning the values read, for `nonNegative`), else
 * on the device, reported at the next read from it with the offending value.
 */
export function checkRange(index: Tensor, size: number, describe: (value: number) => string, negative = true): Int32Array | undefined {
  const low = negative ? -size : 0;
  if (!index.backend.deferChecks) {
    const values = index.dataSync() as Int32Array;
    for (const v of values) if (!(v >= low && v < size)) throw new RangeError(describe(v));
    return values;
  }
  checkOnDevice(index, low, size, describe);
  return undefined;
}

/**
 * `index` with negative values counted from the end (i + size): a fresh
 * contiguous int32 tensor on index's device. Values read on the host were
 * checked there; on the device the check is pending, so the values are also
 * clamped into [0, size): no kernel is handed a position outside its tensor
 * before the check reports (a GPU would read or write out of bounds).
 */
export function nonNegative(index: Tensor, size: number, host?: Int32Array): Tensor {
  if (host !== undefined) {
    const values = host.some((v) => v < 0) ? host.map((v) => (v < 0 ? v + size : v)) : host;
    return fromValues(values, index.shape, 'int32', index.device);
  }
  const negative = kernelOp('lt', index, index, 0, index.shape, 'bool');
  const shifted = kernelOp('add', index, index, size, index.shape);
  const wrapped = wrap(index, index.backend.where(negative, shifted, index, index.shape, 'int32'), index.shape, 'int32');
  const out = clampIndex(wrapped, size);
  for (const t of [negative, shifted, wrapped]) t.dispose();
  return out;
}

/** `index` clamped into [0, size): a fresh contiguous int32 tensor (for kernels, while a deferred check is pending). */
export function clampIndex(index: Tensor, size: number): Tensor {
  const low = kernelOp('maximum', index, index, 0, index.shape);
  const out = kernelOp('minimum', index, low, Math.max(size - 1, 0), index.shape);
  low.dispose();
  return out;
}

/** On a device that defers checks: index bounds checked there, the first offending value named at the next read. */
function checkOnDevice(index: Tensor, low: number, size: number, describe: (value: number) => string): void {
  if (index.numel() === 0) return;
  noGrad(() =>
    tidy(() => {
      const flat = index.isContiguous() ? index : index.contiguous();
      const n = flat.numel();
      const inRange = kernelOp(
        'logicalAnd',
        flat,
        kernelOp('ge', flat, flat, low, flat.shape, 'bool'),
        kernelOp('lt', flat, flat, size, flat.shape, 'bool'),
        flat.shape,
        'bool',
      );
      const firstBad = inRange.logicalNot().int().reshape(n).argmax().reshape(1);
      const value = gatherRaw(flat, viewOf(flat, [n], [1]), firstBad);
      assertAsyncWithDetail(inRange, (v) => describe(v ?? NaN), value);
    }),
  );
}

/**
 * The plan's advanced items as index tensors: masks expanded to one
 * coordinate tensor per dim they span (reading a mask tensor on the host),
 * every index moved to `x`'s device, broadcast together (PyTorch's "shape
 * mismatch" message), bounds-checked against the view's sizes and made
 * non-negative. Index tensors are read on the host where that is cheap (a
 * backend that does not defer checks); on a GPU their check runs there.
 */
export function resolveSlots(x: Tensor, plan: IndexPlan): ResolvedSlots {
  const pending: Pending[] = [];
  let distinct = false;
  for (const a of plan.advanced) {
    if ('slot' in a) {
      const s = a.slot;
      if (s.tensor !== undefined) pending.push({ dim: s.dim, shape: s.tensor.shape, tensor: s.tensor, fromMask: false });
      else pending.push({ dim: s.dim, shape: s.host!.shape, host: s.host!.values, fromMask: false });
      continue;
    }
    const m = a.mask;
    // The one host read of a mask (PyTorch's nonzero syncs too).
    const values = m.tensor !== undefined ? m.tensor.dataSync() : m.host!.values;
    const shape = m.tensor?.shape ?? m.host!.shape;
    const coords = maskCoordinates(values, shape);
    coords.forEach((c, j) => pending.push({ dim: m.dim + j, shape: [c.length], host: c, fromMask: true }));
    distinct = true;
  }
  const bShape = broadcastIndexShapes(pending.map((p) => p.shape));
  const deferred = x.backend.deferChecks;
  const hostChecks: { values: Int32Array; shape: readonly number[]; size: number; ordinal: number }[] = [];
  pending.forEach((p, ordinal) => {
    const size = plan.viewShape[p.dim]!;
    if (p.tensor !== undefined) {
      // Indices on another device are moved to x's (PyTorch moves them too).
      if (p.tensor.device !== x.device) p.tensor = p.tensor.to(x.device);
      if (!deferred) p.host = p.tensor.dataSync() as Int32Array;
    }
    if (p.host !== undefined && !p.fromMask) hostChecks.push({ values: p.host, shape: p.shape, size, ordinal });
  });
  checkHost(hostChecks, bShape);
  const dims = pending.map((p) => p.dim);
  const shapes = pending.map((p) => p.shape);
  const nonNegativeHost = (p: Pending): Int32Array => {
    const values = p.host!;
    if (p.fromMask) return values; // coordinates: never negative
    const size = plan.viewShape[p.dim]!;
    let negative = false;
    for (let i = 0; i < values.length && !negative; i++) negative = values[i]! < 0;
    if (!negative) return values;
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = values[i]! < 0 ? values[i]! + size : values[i]!;
    return out;
  };
  if (pending.every((p) => p.host !== undefined)) {
    const host = pending.map(nonNegativeHost);
    let made: Tensor[] | undefined;
    const indices = () => (made ??= host.map((values, k) => fromValues(values, shapes[k]!, 'int32', x.device)));
    return { dims, shapes, bShape, distinct, host, indices };
  }
  const made = pending.map((p, ordinal) => {
    if (p.host !== undefined) return fromValues(nonNegativeHost(p), p.shape, 'int32', x.device);
    const size = plan.viewShape[p.dim]!;
    const t = p.tensor!;
    checkOnDevice(t, -size, size, (v) => outOfBounds(v, ordinal, size));
    return nonNegative(t, size);
  });
  return { dims, shapes, bShape, distinct, host: undefined, indices: () => made };
}

/**
 * Which of `n` writes survive when several write one place: for each code
 * (a place, in [0, domain)) the last write, as PyTorch's CPU `index_put_`
 * leaves it. A bool tensor of `code`'s shape.
 *
 * Where reads are cheap (a backend that does not defer checks) the codes are
 * read and compared on the host. On a GPU it runs there, exactly and without
 * a read: the winner of each place is its largest write number, found bit by
 * bit from the top — among the writes still standing at a place, those with
 * the current bit 0 drop out when one has it 1 (a scatterAdd and a gather per
 * bit, log2(n) of them).
 */
export function lastWriters(code: Tensor, domain: number, onDevice = code.backend.deferChecks, host?: Int32Array): Tensor {
  const n = code.numel();
  if (!onDevice) {
    const values = host ?? code.dataSync();
    const winner = new Int32Array(domain).fill(-1);
    for (let j = 0; j < n; j++) winner[values[j]!] = j;
    const keep = new Uint8Array(n);
    for (let j = 0; j < n; j++) keep[j] = winner[values[j]!] === j ? 1 : 0;
    return fromValues(keep, code.shape, 'bool', code.device);
  }
  const flat = viewOf(code, [n], [1]);
  const bits = Math.max(1, Math.ceil(Math.log2(Math.max(n, 2))));
  let alive = wrap(code, code.backend.fill(n, 1, 'bool'), [n], 'bool');
  for (let b = bits - 1; b >= 0; b--) {
    // Bit b of each write's number: floor(j / 2^b) odd.
    const bit = new Uint8Array(n);
    for (let i = 0; i < n; i++) bit[i] = Math.floor(i / 2 ** b) % 2;
    const withBit = kernelOp('logicalAnd', code, alive, fromValues(bit, [n], 'bool', code.device), [n], 'bool');
    const count = wrap(code, code.backend.cast(withBit, 'int32'), [n], 'int32');
    const has = wrap(code, code.backend.scatterAdd([domain], 0, flat, count), [domain], 'int32');
    const hasHere = kernelOp('gt', code, gatherRaw(has, viewOf(has, [domain], [1]), code.reshape(n)), 0, [n], 'bool');
    const stays = kernelOp(
      'logicalOr',
      code,
      withBit,
      wrap(code, code.backend.unary('logicalNot', hasHere, 'bool'), [n], 'bool'),
      [n],
      'bool',
    );
    alive = kernelOp('logicalAnd', code, alive, stays, [n], 'bool');
  }
  return alive.reshape(code.shape);
}
