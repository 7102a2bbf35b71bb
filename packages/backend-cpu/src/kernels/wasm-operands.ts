/**
 * Operands of a WebAssembly kernel call: addresses in wasm memory for
 * handles, whether they live there (read in place) or in plain arrays
 * (copied into scratch, and outputs copied back), and the call's own scratch.
 */
import { address, arr, freeScratch, type Handle, scratch } from '../heap.js';
import { memory } from '../wasm/module.js';

/** Wasm addresses for a kernel call: handles in wasm memory are read in place, plain arrays copied into scratch (and back). */
export class WasmOperands {
  private readonly held: { addr: number; bytes: number; back?: Float32Array }[] = [];
  failed = false;

  /** The address of `n` float32 elements of `h` from `offset`, copied in when `h` is a plain array. */
  input(h: Handle, offset: number, n: number): number {
    const at = address(h, offset);
    if (at >= 0) return at;
    const addr = this.take(4 * n);
    if (addr >= 0) new Float32Array(memory!.buffer, addr, n).set((arr(h) as Float32Array).subarray(offset, offset + n));
    return addr;
  }

  /** The address to write `h`'s `n` elements at, copied back by `finish` when `h` is a plain array. */
  output(h: Handle, n: number): number {
    const at = address(h, 0);
    if (at >= 0) return at;
    const addr = this.take(4 * n);
    if (addr >= 0) this.held[this.held.length - 1]!.back = (arr(h) as Float32Array).subarray(0, n);
    return addr;
  }

  /** `bytes` of scratch for the call (-1, and `failed` set, when there are none), freed by `finish`. */
  take(bytes: number): number {
    const addr = scratch(bytes);
    this.held.push({ addr, bytes });
    if (addr < 0) this.failed = true;
    return addr;
  }

  /** Copies the outputs back (unless the call was not made) and frees the scratch. */
  finish(ran: boolean): void {
    for (const { addr, bytes, back } of this.held) {
      if (ran && back !== undefined) back.set(new Float32Array(memory!.buffer, addr, bytes / 4));
      freeScratch(addr, bytes);
    }
  }
}
