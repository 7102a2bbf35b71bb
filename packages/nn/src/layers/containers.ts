/** Sequential and ModuleList: modules registered under '0', '1', … as PyTorch names them. */
import { Module } from '../module.js';

/** What Sequential and ModuleList share: indexed children. */
abstract class IndexedModules extends Module {
  /** The number of modules. */
  get length(): number {
    return this.children().length;
  }

  /** The i-th module (negative counts from the end). */
  at(i: number): Module {
    const list = this.children();
    const m = list[i < 0 ? i + list.length : i];
    if (m === undefined) throw new RangeError(`index ${i} is out of range for ${this.constructor.name} of length ${list.length}`);
    return m;
  }

  /** Adds a module at the end (registered as the next index). */
  append(m: Module): this {
    this.addModule(String(this.length), m);
    return this;
  }

  /** Iterates the modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Runs its modules in order.
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
 * mlp.stateDict(); // keys '0.weight', '0.bias', '2.weight', '2.bias'
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  override forward(x: unknown): unknown {
    let out = x;
    for (const m of this.children()) out = m.call(out);
    return out;
  }
}

/**
 * A list of modules whose parameters are registered (indexable with `at`).
 *
 * @example
 * const layers = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
 */
export class ModuleList extends IndexedModules {
  constructor(modules: readonly Module[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }
}
