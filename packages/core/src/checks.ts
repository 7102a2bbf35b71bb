/**
 * Checks of values that live on a device (index bounds, loss targets). Where
 * a read stalls the device (`backend.deferChecks`, a GPU) a check is computed
 * on the device and its verdict read with the next read from that device —
 * CUDA's device-side asserts, with the check's own message. Elsewhere it is
 * read at once.
 */
import { noGrad } from './autograd/grad-mode.js';
import type { Backend, View } from './backend/spec.js';
import { tidy } from './memory.js';
import type { Tensor } from './tensor.js';

/**
 * Per device: 1-element bool handles ("violated"), the message of each, and
 * for some a 1-element handle holding the offending value (read only when its
 * check failed, so the message can name it as the host check would).
 */
interface Pending {
  flags: unknown[];
  messages: ((detail?: number) => string)[];
  details: (unknown | undefined)[];
}
const pending = new WeakMap<Backend, Pending>();

/**
 * Asserts that every element of the bool tensor `condition` is true, throwing
 * a RangeError with `message` otherwise. On a GPU backend the check does not
 * wait for the GPU: it is reported by the next read from that device
 * (`item()`, `values()`, `to('cpu')`…), as PyTorch's `torch._assert_async`.
 *
 * @example
 * const target = g.tensor([0, 3, 1], { dtype: 'int32' });
 * g.assertAsync(target.ge(0).logicalAnd(target.lt(4)), 'targets must be class indices in [0, 4)');
 */
export function assertAsync(condition: Tensor, message: string | (() => string)): void {
  assertAsyncWithDetail(condition, typeof message === 'string' ? () => message : message);
}

/**
 * `assertAsync` whose message may name a value computed on the device:
 * `detail` (a 1-element tensor, e.g. the first offending index) is read only
 * when the check failed, and handed to `message`. On a device that does not
 * defer checks it is read at once when the check fails.
 */
export function assertAsyncWithDetail(condition: Tensor, message: (detail?: number) => string, detail?: Tensor): void {
  const backend = condition.backend;
  if (!backend.deferChecks) {
    if (!noGrad(() => tidy(() => condition.all().item()))) throw new RangeError(message(detail?.dataSync()[0]));
    return;
  }
  const violated = noGrad(() => tidy(() => condition.logicalNot().any()));
  const state = pending.get(backend) ?? { flags: [], messages: [], details: [] };
  pending.set(backend, state);
  // Handles of our own: not live tensors in memory(), and freed when the checks are read.
  state.flags.push(backend.contiguous(violated));
  state.messages.push(message);
  state.details.push(detail === undefined ? undefined : backend.contiguous(detail));
  violated.dispose();
}

/** The verdicts of `backend`'s pending checks as one handle (and what to dispose), or null when none wait. */
function takePending(backend: Backend): { verdicts: unknown; state: Pending } | null {
  const state = pending.get(backend);
  if (state === undefined || state.flags.length === 0) return null;
  pending.delete(backend);
  const view = (handle: unknown): View => ({ handle, dtype: 'bool', shape: [1], strides: [1], offset: 0 });
  const verdicts = state.flags.length === 1 ? state.flags[0] : backend.concat(state.flags.map(view), 0);
  return { verdicts, state };
}

/**
 * Frees the verdicts and flags, and returns the first failed check (its message and the handle of its
 * offending value, if any), or undefined when all passed. The details are freed by `report`.
 */
function firstFailure(
  backend: Backend,
  taken: { verdicts: unknown; state: Pending },
  values: ArrayLike<number>,
): { message: (detail?: number) => string; detail: unknown } | undefined {
  const { verdicts, state } = taken;
  if (verdicts !== state.flags[0]) backend.dispose(verdicts);
  for (const f of state.flags) backend.dispose(f);
  for (let i = 0; i < state.messages.length; i++) {
    if (values[i]) return { message: state.messages[i]!, detail: state.details[i] };
  }
  disposeDetails(backend, state);
  return undefined;
}

function disposeDetails(backend: Backend, state: Pending): void {
  for (const d of state.details) if (d !== undefined) backend.dispose(d);
}

/** Frees the checks' details and throws the failure's error, `detail` being its offending value. */
function report(backend: Backend, state: Pending, failure: { message: (detail?: number) => string }, detail?: number): never {
  disposeDetails(backend, state);
  const text = failure.message(detail);
  throw new RangeError(`${text} (checked on '${backend.name}' and reported at the next read from it, so as not to stall the device)`);
}

/** Reads `backend`'s pending checks (after a read has synchronised it) and throws the first violation. */
export function settleChecks(backend: Backend): void {
  const taken = takePending(backend);
  if (!taken) return;
  const failure = firstFailure(backend, taken, backend.readSync(taken.verdicts));
  if (failure === undefined) return;
  // The device has just been synchronised by the read: the offending value comes at little cost.
  let detail: number | undefined;
  try {
    detail = failure.detail === undefined ? undefined : backend.readSync(failure.detail)[0];
  } catch (e) {
    disposeDetails(backend, taken.state); // a read that fails (a lost device) says so itself
    throw e;
  }
  report(backend, taken.state, failure, detail);
}

/**
 * `settleChecks` for asynchronous reads. The offending value is read asynchronously too: a device
 * without synchronous reads (WebGPU on a fallback adapter, or in Node) must still name it.
 */
export async function settleChecksAsync(backend: Backend): Promise<void> {
  const taken = takePending(backend);
  if (!taken) return;
  const failure = firstFailure(backend, taken, await backend.read(taken.verdicts));
  if (failure === undefined) return;
  let detail: number | undefined;
  try {
    detail = failure.detail === undefined ? undefined : (await backend.read(failure.detail))[0];
  } catch (e) {
    disposeDetails(backend, taken.state); // a read that fails (a lost device) says so itself
    throw e;
  }
  report(backend, taken.state, failure, detail);
}
