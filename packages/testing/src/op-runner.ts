/**
 * Running a PyTorch fixture case (ops.json, semantics.json) in Graft: its
 * arguments, the call, and the checks of its values, errors and gradients.
 */
import type { DType, Tensor } from '@graft/core';
import * as g from '@graft/core';
import { assertTensor, fail, type Tolerance } from './assert.js';
import { processOutputs } from './output-processes.js';
import {
  applyViews,
  decodeData,
  decodeNumber,
  doubleBackwardCases,
  type EncodedArg,
  type JsonNumber,
  makeTensor,
  type OpCase,
  allOpCases,
  unaryGridCases,
} from './fixtures.js';

/** The device's tolerances and abilities. */
export interface RunContext {
  device: string;
  supportsFloat64: boolean;
  float32: Tolerance;
  float64: Tolerance;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Whether a fixture case has float64 inputs or outputs (skipped where the device has no float64). */
export function usesFloat64(c: Pick<OpCase, 'args' | 'outputs' | 'kwargs'>): boolean {
  const inArgs = (args: readonly EncodedArg[]): boolean =>
    args.some((a) => ('tensor' in a && a.tensor.dtype === 'float64') || ('list' in a && inArgs(a.list)));
  return inArgs(c.args) || (c.outputs ?? []).some((o) => o.dtype === 'float64') || c.kwargs['dtype'] === 'float64';
}

/**
 * Whether the device can run the case as PyTorch did: float64 needs a device
 * with float64, and int32 values beyond 2^24 need one too (a device without
 * float64 stores int32 as float32, exact only below 2^24) — except in cases
 * whose point is that an int32 result overflows, which such a device still
 * reports. Cases it cannot run are not registered (rather than passing vacuously).
 */
export function runsOn(c: Pick<OpCase, 'args' | 'outputs' | 'kwargs'>, supportsFloat64: boolean): boolean {
  if (supportsFloat64) return true;
  if (usesFloat64(c)) return false;
  // An overflow shows in float32 only where it rounds away from int32's range: above 2^31, or an ulp (256) below -2^31.
  if (exceedsInt32(c))
    return (c.outputs ?? []).every(
      (o) => o.dtype !== 'int32' || decodeData(o).every((v) => (v >= INT32_MIN && v <= INT32_MAX) || v >= 2 ** 31 || v < INT32_MIN - 256),
    );
  const big = (t: { dtype: string; data: JsonNumber[] }) => t.dtype === 'int32' && t.data.some((v) => Math.abs(Number(v)) > 2 ** 24);
  const inArgs = (args: readonly EncodedArg[]): boolean =>
    args.some(
      (a) =>
        ('tensor' in a && big(a.tensor)) ||
        ('list' in a && inArgs(a.list)) ||
        ('arange' in a && Math.max(...a.arange.map(Math.abs)) > 2 ** 24),
    );
  return !inArgs(c.args) && !(c.outputs ?? []).some(big);
}

/**
 * Throws when an entry of ConformanceOptions.skip names neither an op nor a
 * case of the PyTorch fixtures: a misspelt or stale entry (a case renamed in
 * its generator) would otherwise skip nothing and go unnoticed.
 */
export function checkSkipList(skip: Record<string, string>): void {
  const known = new Set<string>();
  for (const c of [...allOpCases, ...doubleBackwardCases]) known.add(c.op).add(c.name);
  for (const c of unaryGridCases) known.add(c.op);
  const unknown = Object.keys(skip).filter((k) => !known.has(k));
  if (unknown.length !== 0) {
    throw new Error(
      `runConformanceSuite: options.skip names ${unknown.map((k) => JSON.stringify(k)).join(', ')}, ` +
        'which is neither an op nor a case of the PyTorch fixtures (ops.json, semantics.json)',
    );
  }
}

/** The case's entry in ConformanceOptions.skip (by op or by case name), if any. */
export function skipReason(c: Pick<OpCase, 'op'> & { name: string }, skip: Record<string, string>): string | undefined {
  return skip[c.op] ?? skip[c.name];
}

/** The name users call: `max_dim` fixtures are `g.max(x, dim)`. */
export function opName(c: Pick<OpCase, 'op'>): string {
  return c.op === 'max_dim' || c.op === 'min_dim' ? c.op.slice(0, 3) : c.op;
}

/**
 * The function a fixture op names: `g[op]`, a namespaced one such as
 * `linalg.solve` (`g.linalg.solve`) or `special.zeta`, or for an op named `Tensor.name` the
 * method `args[0].name` (PyTorch's subscript has no torch function: `x[items]`
 * is `x.index(...items)`).
 */
export function opFunction(c: Pick<OpCase, 'op'>, args: readonly unknown[]): (...a: unknown[]) => unknown {
  if (c.op.startsWith('Tensor.')) {
    const method = c.op.slice('Tensor.'.length);
    const self = args[0] as Record<string, (...a: unknown[]) => unknown> | undefined;
    if (typeof self?.[method] !== 'function') fail(`op ${c.op} is not a Tensor method of @graft/core`);
    return (...a: unknown[]) => self[method]!(...a.slice(1));
  }
  let target: unknown = g;
  for (const part of opName(c).split('.')) target = (target as Record<string, unknown> | undefined)?.[part];
  if (typeof target !== 'function') fail(`op ${c.op} is not exported by @graft/core`);
  return target as (...a: unknown[]) => unknown;
}

/**
 * Call a fixture op by name (`opFunction`) with `(...args, kwargs?)`; tensors
 * out, as a list, after the case's output process if it names one. `kwargs`
 * are the case's keyword arguments with their tensors built (`buildKwargs`).
 */
export function callOp(
  c: Pick<OpCase, 'op' | 'kwargs' | 'process'>,
  args: unknown[],
  kwargs: Record<string, unknown> = c.kwargs,
): Tensor[] {
  const kw = Object.keys(kwargs).length !== 0 ? [kwargs] : [];
  const out = opFunction(c, args)(...args, ...kw);
  if (c.op === 'max_dim' || c.op === 'min_dim') {
    const r = out as g.ValuesIndices;
    return [r.values, r.indices];
  }
  return processOutputs(c.process, Array.isArray(out) ? [...(out as Tensor[])] : [out as Tensor]);
}

/** The case's arguments on `device`; tensors made are pushed to `leaves` (float ones as `floatDtype` leaves requiring grad when given). */
export function buildArgs(args: readonly EncodedArg[], device: string, leaves: Tensor[], floatDtype?: DType): unknown[] {
  return args.map((a) => {
    if ('tensor' in a) {
      const isFloat = a.tensor.dtype === 'float32' || a.tensor.dtype === 'float64';
      const leaf = makeTensor(a.tensor, device, isFloat ? floatDtype : undefined);
      if (floatDtype !== undefined && isFloat) leaf.requiresGrad_(true);
      leaves.push(leaf);
      return applyViews(leaf, a.views);
    }
    if ('arange' in a) {
      const t = g.arange(a.arange[0], a.arange[1], { dtype: a.dtype as DType, device });
      leaves.push(t);
      return t;
    }
    if ('list' in a) return buildArgs(a.list, device, leaves, floatDtype);
    const v = a.value;
    if (typeof v === 'string') return decodeNumber(v);
    return v;
  });
}

/**
 * The case's keyword arguments on `device`: a tensor (encoded as an argument
 * is, e.g. searchsorted's `sorter`) is built and pushed to `leaves`; other
 * values are passed as they are.
 */
export function buildKwargs(kwargs: Record<string, unknown>, device: string, leaves: Tensor[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    const isTensorArg = typeof value === 'object' && value !== null && 'tensor' in value;
    out[key] = isTensorArg ? buildArgs([value as EncodedArg], device, leaves)[0] : value;
  }
  return out;
}

/**
 * PyTorch's error message as Graft words it: int64 is Graft's int32, and a
 * kernel's name (`"div_floor_cpu" not implemented for 'Bool'`) is the op's.
 * Where index bounds are checked on the device (`deferredChecks`, a GPU), the
 * message cannot name the offending index: only what follows it is expected
 * (`is out of bounds for dimension 1 with size 4`).
 */
export function expectedMessage(torchMessage: string, deferredChecks = false): string {
  const dtypes: Record<string, string> = { Long: 'int32', Bool: 'bool', Float: 'float32', Double: 'float64' };
  // C++'s names for scalar types, as in lerp's "expected dtype float for `end` but got dtype double".
  const cTypes: Record<string, string> = { float: 'float32', double: 'float64', 'long int': 'int32', bool: 'bool' };
  const message = torchMessage
    .replace(
      /(Long|Bool|Float|Double) did not match (Long|Bool|Float|Double)/,
      (_, a: string, b: string) => `${dtypes[a]} did not match ${dtypes[b]}`,
    )
    .replace(
      /expected dtype (float|double|long int|bool) for `(\w+)` but got dtype (float|double|long int|bool)/,
      (_, a: string, name: string, b: string) => `expected dtype ${cTypes[a]} for \`${name}\` but got dtype ${cTypes[b]}`,
    )
    .replace(/"\w+" not implemented for '(\w+)'/, (_, t: string) => `not implemented for '${dtypes[t] ?? t}'`)
    .replace(/Got: (Long|Bool)/, (_, t: string) => `Got: ${dtypes[t]}`)
    .replace(/^linalg\.vector_norm /, '')
    .replace(/dimension (\d+)because/, 'dimension $1 because');
  return deferredChecks ? message.replace(/^.*\bindex -?\d+ (is out of bounds .*)$/, '$1') : message;
}

/** An int64 result outside int32: Graft's int32 cannot hold PyTorch's exact answer. */
export function exceedsInt32(c: Pick<OpCase, 'outputs'>): boolean {
  return (c.outputs ?? []).some((o) => o.dtype === 'int32' && decodeData(o).some((v) => v < INT32_MIN || v > INT32_MAX));
}

function errorOf(fn: () => unknown): Error | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
  return undefined;
}

/**
 * Checks a case's forward pass: PyTorch's values (dtype, shape, values within
 * tolerance), or PyTorch's error (the message, as Graft words it), or — where
 * PyTorch's exact int64 result does not fit int32 — a clear error naming the
 * op and how to get the value (`.double()`), never a wrapped number.
 */
export function checkForward(c: OpCase, ctx: RunContext): void {
  const leaves: Tensor[] = [];
  const run = () =>
    callOp(c, buildArgs(c.args, ctx.device, leaves), buildKwargs(c.kwargs, ctx.device, leaves)).map((o) => o.dataSync() && o);
  if (c.error !== undefined) {
    const error = errorOf(run);
    if (error === undefined) fail(`${c.name}: PyTorch raised "${c.error}" but Graft returned a result`);
    const expected = expectedMessage(c.error, g.getBackend().deferChecks === true);
    if (!error.message.includes(expected))
      fail(`${c.name}: expected an error containing ${JSON.stringify(expected)} (PyTorch's), got ${JSON.stringify(error.message)}`);
    return;
  }
  if (exceedsInt32(c)) {
    const error = errorOf(run);
    if (error === undefined)
      fail(`${c.name}: PyTorch's exact int64 result does not fit int32, but Graft returned a (wrapped) result instead of raising`);
    for (const part of [opName(c), 'int32', 'double()']) {
      if (!error.message.includes(part))
        fail(`${c.name}: the overflow error should name ${JSON.stringify(part)}: ${JSON.stringify(error.message)}`);
    }
    return;
  }
  const outs = run();
  if (outs.length !== c.outputs!.length) fail(`${c.name}: expected ${c.outputs!.length} outputs, got ${outs.length}`);
  outs.forEach((o, i) => {
    const tol = o.dtype === 'float64' ? ctx.float64 : ctx.float32;
    assertTensor(o, { ...c.outputs![i]!, data: decodeData(c.outputs![i]!) }, tol, `${c.name} output ${i}`);
  });
}

/** Checks a case's gradients (float64 leaves where the device has float64) against PyTorch's. */
export function checkGradients(c: OpCase, ctx: RunContext): void {
  const floatDtype: DType = ctx.supportsFloat64 ? 'float64' : 'float32';
  const tol = ctx.supportsFloat64 ? ctx.float64 : { atol: 1e-3, rtol: 1e-3 };
  const leaves: Tensor[] = [];
  const outs = callOp(c, buildArgs(c.args, ctx.device, leaves, floatDtype), buildKwargs(c.kwargs, ctx.device, leaves));
  const diff = outs.filter((o) => o.requiresGrad);
  const floatLeaves = leaves.filter((l) => l.requiresGrad);
  const gradOutputs = c.gradOutputs!.map((e) => makeTensor(e, ctx.device, floatDtype));
  const grads = g.autograd.grad(diff, floatLeaves, { gradOutputs, allowUnused: true });
  grads.forEach((gr, i) => {
    const expected = c.grads![i];
    if (expected === null || expected === undefined) {
      if (gr !== null && gr.abs().sum().item() !== 0) fail(`${c.name}: input ${i} should get no gradient`);
      return;
    }
    if (gr === null) {
      if (decodeData(expected).some((v) => v !== 0)) fail(`${c.name}: input ${i} got no gradient`);
      return;
    }
    assertTensor(gr, { ...expected, dtype: floatDtype, data: decodeData(expected) }, tol, `${c.name} grad ${i}`);
  });
}
