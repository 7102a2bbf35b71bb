/**
 * Module hooks: the lists a module keeps (forward pre-hooks, forward hooks,
 * full backward hooks) and the handles that remove them, as PyTorch's
 * `_forward_pre_hooks` dicts and `torch.utils.hooks.RemovableHandle`.
 */
import type { RemovableHandle } from '@graft/core';

/** What `register…Hook` returns: `remove()` unregisters the hook; `using h = …` removes it at the end of the block. */
export interface HookHandle extends RemovableHandle, Disposable {
  /** The hook's id, unique in the process (PyTorch's `handle.id`). */
  readonly id: number;
}

/** One registered hook with the flags it was registered with. */
export interface HookEntry<H> {
  readonly id: number;
  readonly hook: H;
  /** The hook takes (and a pre-hook returns) the keyword arguments too. */
  readonly withKwargs: boolean;
  /** A forward hook that also runs when forward throws. */
  readonly alwaysCall: boolean;
}

let nextId = 0;

/** Hooks in call order; `add` returns the handle that removes one. */
export class HookList<H> {
  readonly entries: HookEntry<H>[] = [];

  add(hook: H, flags: { prepend?: boolean; withKwargs?: boolean; alwaysCall?: boolean }): HookHandle {
    if (typeof hook !== 'function') throw new TypeError(`hook must be a function, got ${hook === null ? 'null' : typeof hook}`);
    const entry: HookEntry<H> = { id: nextId++, hook, withKwargs: flags.withKwargs ?? false, alwaysCall: flags.alwaysCall ?? false };
    if (flags.prepend) this.entries.unshift(entry);
    else this.entries.push(entry);
    const remove = () => {
      const i = this.entries.indexOf(entry);
      if (i >= 0) this.entries.splice(i, 1);
    };
    return { id: entry.id, remove, [Symbol.dispose]: remove };
  }

  get length(): number {
    return this.entries.length;
  }
}
