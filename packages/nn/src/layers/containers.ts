/** Sequential and ModuleList: modules registered under '0', '1', … as PyTorch names them. */
import { Module } from '../module.js';

/** `m`, checked to be a Module: anything else would be silently kept as a plain property. */
function checkModule(op: string, m: unknown): Module {
  if (!(m instanceof Module)) {
    const what = m === null ? 'null' : typeof m === 'object' ? (m.constructor?.name ?? 'object') : typeof m;
    throw new TypeError(`${op}: ${what} is not a Module subclass`);
  }
  return m;
}

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
    this.addModule(String(this.length), checkModule(this.constructor.name, m));
    return this;
  }

  /** Iterates the modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}

/**
 * Runs its modules in order. Given one `Map` of named modules (PyTorch's
 * `Sequential(OrderedDict(...))`), they keep those names.
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
 * mlp.stateDict(); // keys '0.weight', '0.bias', '2.weight', '2.bias'
 * new Sequential(new Map([['fc', new Linear(4, 1)]])).stateDict(); // keys 'fc.weight', 'fc.bias'
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[]);
  constructor(named: ReadonlyMap<string, Module>);
  constructor(...args: unknown[]) {
    super();
    if (args.length === 1 && args[0] instanceof Map) {
      for (const [name, m] of args[0] as Map<unknown, unknown>) {
        if (typeof name !== 'string') throw new TypeError(`Sequential: module name should be a string. Got ${typeof name}`);
        this.addModule(name, checkModule('Sequential', m));
      }
    } else args.forEach((m) => this.append(m as Module));
  }

  // biome-ignore lint/suspicious/noExplicitAny: a Sequential passes on whatever its modules return
  override forward(x: any): any {
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
  constructor(modules: Iterable<Module> = []) {
    super();
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList: expected an iterable of modules, got ${modules === null ? 'null' : typeof modules}`);
    }
    for (const m of modules) this.append(m);
  }
}
