/**
 * A generator's state as a tensor: PyTorch's 5056 bytes
 * (`torch.get_rng_state()`, a CPU ByteTensor), held in an int32 tensor of
 * byte values (Graft has no uint8 dtype). The same bytes load in both
 * directions: a state saved in PyTorch (`torch.get_rng_state().tolist()`, or
 * its raw bytes as a `Uint8Array`) continues PyTorch's stream here, and a
 * Graft state loads in PyTorch (`torch.set_rng_state(torch.tensor(bytes,
 * dtype=torch.uint8))`).
 */
import { defaultGenerator, engineOf, type Generator, loadStateBytes, stateBytes } from '../random.js';
import type { Tensor } from '../tensor.js';
import { isTensor, fromValues } from './dispatch.js';

/** The state of `generator` as an int32 tensor of its 5056 state bytes, on the current device. */
export function generatorState(generator: Generator): Tensor {
  return fromValues(Int32Array.from(stateBytes(engineOf('getState', generator))), [5056], 'int32');
}

/** Loads `state` (what `generatorState` gives, PyTorch's bytes as a Uint8Array, or a byte tensor of 5048 legacy bytes) into `generator`. */
export function setGeneratorState(op: string, generator: Generator, state: Tensor | Uint8Array): void {
  let bytes: Uint8Array;
  if (state instanceof Uint8Array) bytes = state;
  else if (isTensor(state)) {
    if (state.dtype !== 'int32') {
      throw new TypeError(
        `${op}: expected the state as an int32 tensor of bytes (what getRngState() returns) or a Uint8Array of PyTorch's bytes, got a ${state.dtype} tensor`,
      );
    }
    const values = state.dataSync();
    bytes = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!(v >= 0 && v <= 255)) throw new RangeError(`${op}: the state holds bytes (0 to 255), but element ${i} is ${v}`);
      bytes[i] = v;
    }
  } else {
    throw new TypeError(
      `${op}: expected the state as a Tensor (what getRngState() returns) or a Uint8Array, got ${state === null ? 'null' : typeof state}`,
    );
  }
  loadStateBytes(op, engineOf(op, generator), bytes);
}

/**
 * The default generator's state, as `torch.get_rng_state()`: PyTorch's 5056
 * state bytes (MT19937 words, position, seed, cached normal sample) as an
 * int32 tensor of byte values. `g.setRngState` restores it, and the same
 * bytes load in PyTorch.
 *
 * @example
 * const s = g.getRngState();
 * const a = g.rand(3);
 * g.setRngState(s);
 * g.rand(3); // a again
 */
export function getRngState(): Tensor {
  return generatorState(defaultGenerator);
}

/**
 * Restores the default generator's state, as `torch.set_rng_state`: a tensor
 * from `g.getRngState()`, or PyTorch's bytes as a `Uint8Array`
 * (`torch.get_rng_state().numpy().tobytes()`), so a stream saved in PyTorch
 * continues here. A wrong size or an invalid state is PyTorch's error, and
 * changes nothing.
 *
 * @example
 * const saved = g.getRngState();
 * const a = g.rand(2);
 * g.setRngState(saved);
 * g.rand(2); // a again
 * // PyTorch's bytes: g.setRngState(new Uint8Array(torchBytes)), torchBytes from torch.get_rng_state().numpy().tobytes()
 */
export function setRngState(state: Tensor | Uint8Array): void {
  setGeneratorState('setRngState', defaultGenerator, state);
}
