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

/** Per device: 1-element bool handles ("violated") and the message of each. */
interface Pending {
  flags: unknown[];
  messages: (() => string)[];
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
  const describe = typeof message === 'string' ? () => message : message;
  const backend = condition.backend;
  if (!backend.deferChecks) {
    if (!noGrad(() => tidy(() => condition.all().item()))) throw new RangeError(describe());
    return;
  }
  const violated = noGrad(() => tidy(() => condition.logicalNot().any()));
  const state = pending.get(backend) ?? { flags: [], messages: [] };
  pending.set(backend, state);
  state.flags.push(backend.contiguous(violated)); // a handle of our own: not a live tensor in memory()
  state.messages.push(describe);
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

function throwIfViolated(backend: Backend, taken: { verdicts: unknown; state: Pending }, values: ArrayLike<number>): void {
  const { verdicts, state } = taken;
  if (verdicts !== state.flags[0]) backend.dispose(verdicts);
  for (const f of state.flags) backend.dispose(f);
  for (let i = 0; i < state.messages.length; i++) {
    if (values[i]) {
      throw new RangeError(
        `${state.messages[i]!()} (checked on '${backend.name}' and reported at the next read from it, so as not to stall the device)`,
      );
    }
  }
}

/** Reads `backend`'s pending checks (after a read has synchronised it) and throws the first violation. */
export function settleChecks(backend: Backend): void {
  const taken = takePending(backend);
  if (taken) throwIfViolated(backend, taken, backend.readSync(taken.verdicts));
}

/** `settleChecks` for asynchronous reads. */
export async function settleChecksAsync(backend: Backend): Promise<void> {
  const taken = takePending(backend);
  if (taken) throwIfViolated(backend, taken, await backend.read(taken.verdicts));
}
