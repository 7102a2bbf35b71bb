/**
 * Containers: Sequential and ModuleList (modules under '0', '1', … as PyTorch
 * names them), ModuleDict, ParameterList and ParameterDict. Each keeps its
 * entries in an ordered Map (so a key such as '10' or 'fc' keeps its place,
 * which an object's properties would not) and lists them as the module's own
 * entries: they are its children, parameters and state-dict keys.
 *
 * JavaScript cannot overload `[]`: PyTorch's `seq[i]` is `seq.at(i)`,
 * `seq[1:3]` is `seq.slice(1, 3)`, `seq[i] = m` is `seq.set(i, m)`,
 * `del seq[i]` is `seq.delete(i)`, `len(seq)` is `seq.length`, and a dict's
 * `d[key]` is `d.get(key)`.
 */
import * as g from '@graft/core';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { checkEntryName } from '../entry-names.js';

/** `m`, checked to be a Module: anything else would be silently kept as a plain property. */
function checkModule(op: string, m: unknown): Module {
  if (!(m instanceof Module)) {
    const what = m === null ? 'null' : typeof m === 'object' ? (m.constructor?.name ?? 'object') : typeof m;
    throw new TypeError(`${op}: ${what} is not a Module subclass`);
  }
  return m;
}

/** Python's index rules: negative counts from the end; out of range is an error naming the container. */
function absoluteIndex(op: string, i: number, length: number): number {
  if (!Number.isInteger(i)) throw new TypeError(`${op}: index must be an integer, got ${String(i)}`);
  if (i < -length || i >= length) throw new RangeError(`${op}: index ${i} is out of range (length ${length})`);
  return i < 0 ? i + length : i;
}

/** Entries [from, to) of a list of `length`, with JavaScript's (and Python's) slice bounds. */
function sliceBounds(length: number, start = 0, end = length): [number, number] {
  const clamp = (i: number) => (i < 0 ? Math.max(0, i + length) : Math.min(i, length));
  return [clamp(start), Math.max(clamp(start), clamp(end))];
}

/** What every container shares: entries in an ordered Map, listed as the module's own. */
abstract class Container<V> extends Module {
  readonly #items = new Map<string, V>();

  /** The entries, in order (the container's own API reads and writes them). */
  protected get items(): Map<string, V> {
    return this.#items;
  }

  protected override ownEntries(): [string, unknown][] {
    return [...super.ownEntries(), ...this.#items];
  }

  override deleteAttribute(name: string): void {
    if (!this.#items.delete(name)) super.deleteAttribute(name);
  }

  /** The number of entries (PyTorch's `len(container)`). */
  get length(): number {
    return this.#items.size;
  }

  /** Replaces every entry at once, keyed '0', '1', … (PyTorch renumbers after a deletion). */
  protected renumber(values: V[]): void {
    this.#items.clear();
    values.forEach((v, i) => this.#items.set(String(i), v));
  }
}

/** What Sequential and ModuleList share: modules indexed by position. */
abstract class IndexedModules extends Container<Module> {
  override addModule(name: string, module: Module | null): void {
    if (module === null) {
      this.items.delete(name);
      return;
    }
    this.items.set(checkEntryName(this.constructor.name, 'module', name), checkModule(this.constructor.name, module));
  }

  /**
   * The i-th module; negative counts from the end (PyTorch's `seq[i]`).
   *
   * @example
   * model.at(-1); // the last module
   */
  at(i: number): Module {
    return [...this.items.values()][absoluteIndex(this.constructor.name, i, this.length)]!;
  }

  /**
   * Replaces the i-th module, keeping its name (PyTorch's `seq[i] = module`).
   *
   * @example
   * classifier.set(-1, new Linear(4096, 10)); // a new head
   */
  set(i: number, module: Module): void {
    const key = [...this.items.keys()][absoluteIndex(this.constructor.name, i, this.length)]!;
    this.items.set(key, checkModule(this.constructor.name, module));
  }

  /**
   * Removes the i-th module, or those in [start, end); the rest are renumbered
   * '0', '1', … (PyTorch's `del seq[i]`, `del seq[start:end]`).
   *
   * @example
   * model.delete(-1); // drop the last layer
   */
  delete(start: number, end?: number): void {
    const values = [...this.items.values()];
    const [from, to] =
      end === undefined ? [absoluteIndex(this.constructor.name, start, values.length), -1] : sliceBounds(values.length, start, end);
    values.splice(from, to < 0 ? 1 : to - from);
    this.renumber(values);
  }

  /**
   * Removes the i-th module and returns it (PyTorch's `pop(i)`).
   *
   * @example
   * const head = model.pop(-1);
   */
  pop(i: number): Module {
    const m = this.at(i);
    this.delete(i);
    return m;
  }

  /**
   * Adds a module at the end, under the next index.
   *
   * @example
   * layers.append(new ReLU());
   */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }

  /**
   * Inserts a module before position `index` (negative counts from the end);
   * the modules are renumbered '0', '1', ….
   *
   * @example
   * model.insert(1, new Dropout(0.1));
   */
  insert(index: number, module: Module): this {
    const values = [...this.items.values()];
    if (!Number.isInteger(index) || index < -values.length || index > values.length) {
      throw new RangeError(`${this.constructor.name}.insert: Index out of range: ${index}`);
    }
    values.splice(index < 0 ? index + values.length : index, 0, checkModule(this.constructor.name, module));
    this.renumber(values);
    return this;
  }

  /**
   * Appends every module of an iterable (another container included).
   *
   * @example
   * model.extend([new Linear(8, 8), new ReLU()]);
   */
  extend(modules: Iterable<Module>): this {
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new TypeError(
        `${this.constructor.name}.extend should be called with an iterable, but got ${modules === null ? 'null' : typeof modules}`,
      );
    }
    for (const m of [...modules]) this.append(m);
    return this;
  }

  /** Iterates the modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return [...this.items.values()][Symbol.iterator]();
  }
}

/**
 * Runs its modules in order. Given one `Map` of named modules (PyTorch's
 * `Sequential(OrderedDict(...))`), they keep those names. Indexing as a
 * PyTorch list: `at(i)`, `slice(start, end)`, `set(i, m)`, `delete(i)`,
 * `append`, `insert`, `extend`, `pop`, `length`.
 *
 * @example
 * const mlp = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 1));
 * mlp.stateDict(); // keys '0.weight', '0.bias', '2.weight', '2.bias'
 * mlp.at(-1);      // Linear(in_features=8, out_features=1, bias=True)
 * mlp.slice(0, 2); // Sequential of the first two, named '0' and '1'
 * new Sequential(new Map([['fc', new Linear(4, 1)]])).stateDict(); // keys 'fc.weight', 'fc.bias'
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[]);
  constructor(named: ReadonlyMap<string, Module>);
  constructor(...args: unknown[]) {
    super();
    if (args.length === 1 && args[0] instanceof Map) {
      for (const [name, m] of args[0] as Map<unknown, unknown>)
        this.addModule(checkEntryName('Sequential', 'module', name), checkModule('Sequential', m));
    } else args.forEach((m) => this.append(m as Module));
  }

  /**
   * The modules in [start, end) as a new Sequential that keeps their names
   * (PyTorch's `seq[start:end]`); negative bounds count from the end.
   *
   * @example
   * const features = model.slice(0, -1); // all but the last
   */
  slice(start?: number, end?: number): Sequential {
    const [from, to] = sliceBounds(this.length, start, end);
    return new Sequential(new Map([...this.items].slice(from, to)));
  }

  // biome-ignore lint/suspicious/noExplicitAny: a Sequential passes on whatever its modules return
  override forward(x: any): any {
    let out = x;
    for (const m of this.items.values()) out = m.call(out);
    return out;
  }
}

/**
 * A list of modules whose parameters are registered, indexed as a PyTorch
 * list (`at`, `slice`, `set`, `delete`, `append`, `insert`, `extend`,
 * `pop`, `length`).
 *
 * @example
 * const layers = new ModuleList([new Linear(2, 2), new Linear(2, 2)]);
 * for (const layer of layers) x = layer.call(x);
 */
export class ModuleList extends IndexedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    if (modules === null || typeof (modules as Iterable<Module>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`ModuleList: expected an iterable of modules, got ${modules === null ? 'null' : typeof modules}`);
    }
    for (const m of modules) this.append(m);
  }

  /**
   * The modules in [start, end) as a new ModuleList, numbered from '0' (PyTorch's `list[start:end]`).
   *
   * @example
   * layers.slice(1); // every layer but the first
   */
  slice(start?: number, end?: number): ModuleList {
    const [from, to] = sliceBounds(this.length, start, end);
    return new ModuleList([...this.items.values()].slice(from, to));
  }
}

/** Entries of a Map, a Record or an iterable of [key, value] pairs, in their order (a Record sorted when `sortRecord`). */
function pairs<V>(op: string, source: unknown, sortRecord: boolean): [string, V][] {
  if (source instanceof Map) return [...(source as Map<string, V>)];
  if (source instanceof Container) return [...(source as unknown as { entries(): Iterable<[string, V]> }).entries()];
  if (source === null || typeof source !== 'object') {
    throw new TypeError(
      `${op}.update should be called with an iterable of key/value pairs, but got ${source === null ? 'null' : typeof source}`,
    );
  }
  if (typeof (source as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(source as Iterable<unknown>)].map((p, j) => {
      if (!Array.isArray(p)) throw new TypeError(`${op} update sequence element #${j} should be Iterable; is ${typeof p}`);
      if (p.length !== 2) throw new Error(`${op} update sequence element #${j} has length ${p.length}; 2 is required`);
      return p as [string, V];
    });
  }
  const entries = Object.keys(source).map((k) => [k, (source as Record<string, V>)[k]!] as [string, V]);
  // PyTorch's ParameterDict sorts a plain dict's keys (an OrderedDict — a Map here — keeps its order).
  return sortRecord ? entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
}

/** What ModuleDict and ParameterDict share: string keys in insertion order. */
abstract class Dict<V> extends Container<V> {
  /**
   * The value under `key` (PyTorch's `d[key]`); a missing key is an error naming the keys there are.
   *
   * @example
   * heads.get('cls').call(x);
   */
  get(key: string): V {
    if (!this.items.has(key)) {
      throw new Error(
        `${this.constructor.name}: no key ${JSON.stringify(key)} (keys: ${[...this.items.keys()].map((k) => JSON.stringify(k)).join(', ')})`,
      );
    }
    return this.items.get(key)!;
  }

  /**
   * Whether `key` is there (PyTorch's `key in d`).
   *
   * @example
   * heads.has('cls'); // true
   */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /**
   * Removes `key` (PyTorch's `del d[key]`).
   *
   * @example
   * heads.delete('box');
   */
  delete(key: string): void {
    this.get(key);
    this.items.delete(key);
  }

  /**
   * Removes `key` and returns its value.
   *
   * @example
   * const box = heads.pop('box');
   */
  pop(key: string): V {
    const v = this.get(key);
    this.items.delete(key);
    return v;
  }

  /**
   * Removes every entry.
   *
   * @example
   * heads.clear(); // heads.length is 0
   */
  clear(): void {
    this.items.clear();
  }

  /**
   * The keys, in order.
   *
   * @example
   * heads.keys(); // ['cls', 'box']
   */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /**
   * The values, in order.
   *
   * @example
   * heads.values().length; // 2
   */
  values(): V[] {
    return [...this.items.values()];
  }

  /**
   * The [key, value] pairs, in order (PyTorch's `items()`).
   *
   * @example
   * for (const [name, head] of heads.entries()) console.log(name, String(head));
   */
  entries(): [string, V][] {
    return [...this.items];
  }

  /** Iterates the keys, as iterating a PyTorch dict does. */
  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }
}

/**
 * Modules under string keys, in insertion order, registered as children
 * (PyTorch's `nn.ModuleDict`): `get(key)`, `set(key, m)`, `delete`, `has`,
 * `pop`, `clear`, `keys`, `values`, `entries`, `update`, `length`.
 *
 * @example
 * const heads = new ModuleDict({ cls: new Linear(8, 3), box: new Linear(8, 4) });
 * heads.get('cls').call(x);
 * Object.keys(heads.stateDict()); // ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
 */
export class ModuleDict extends Dict<Module> {
  constructor(modules?: ReadonlyMap<string, Module> | Record<string, Module> | Iterable<readonly [string, Module]> | null) {
    super();
    if (modules !== undefined && modules !== null) this.update(modules);
  }

  override addModule(name: string, module: Module | null): void {
    if (module === null) this.items.delete(name);
    else this.set(name, module);
  }

  /**
   * Adds or replaces the module under `key` (PyTorch's `d[key] = module`).
   *
   * @example
   * heads.set('seg', new Linear(8, 2));
   */
  set(key: string, module: Module): void {
    this.items.set(checkEntryName('ModuleDict', 'module', key), checkModule('ModuleDict', module));
  }

  /**
   * Adds the entries of a Map, a Record, another ModuleDict or [key, module]
   * pairs, in their order, replacing existing keys.
   *
   * @example
   * heads.update({ seg: new Conv2d(8, 2, 1) });
   */
  update(modules: ReadonlyMap<string, Module> | Record<string, Module> | Iterable<readonly [string, Module]>): void {
    for (const [k, m] of pairs<Module>('ModuleDict', modules, false)) this.set(k, m);
  }
}

/** PyTorch's dtype names as ParameterList (`torch.float32`) and ParameterDict (`torch.FloatTensor`) print them. */
const TORCH_DTYPE: Record<string, [string, string]> = {
  float32: ['torch.float32', 'torch.FloatTensor'],
  float64: ['torch.float64', 'torch.DoubleTensor'],
  int32: ['torch.int32', 'torch.IntTensor'],
  bool: ['torch.bool', 'torch.BoolTensor'],
};

/** One line of ParameterList's or ParameterDict's repr. */
function describeEntry(key: string, value: unknown, style: 0 | 1): string {
  if (value instanceof g.Tensor) {
    const kind = value instanceof Parameter ? 'Parameter' : 'Tensor';
    return `  (${key}): ${kind} containing: [${TORCH_DTYPE[value.dtype]![style]} of size ${value.shape.join('x')}]`;
  }
  const type = value === null ? 'NoneType' : typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
  return `  (${key}): Object of type: ${type}`;
}

/** A tensor becomes a Parameter (sharing its data); a Parameter or any other value is kept as it is. */
function asParameter(value: unknown): unknown {
  return value instanceof g.Tensor && !(value instanceof Parameter) ? new Parameter(value) : value;
}

/**
 * Parameters in a list, registered under '0', '1', … (PyTorch's
 * `nn.ParameterList`); a plain tensor is made a Parameter. `at(i)`,
 * `set(i, p)`, `slice`, `append`, `extend`, `length`.
 *
 * @example
 * const weights = new ParameterList([g.randn(4, 4), g.randn(4, 4)]);
 * weights.at(0).requiresGrad; // true
 */
export class ParameterList extends Container<unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: any values, as PyTorch's (tensors become Parameters)
  constructor(values: Iterable<any> | null = null) {
    super();
    if (values !== null) this.extend(values);
  }

  override registerParameter(name: string, param: Parameter | null): void {
    this.items.set(checkEntryName(this.constructor.name, 'parameter', name), param);
  }

  /**
   * The i-th entry; negative counts from the end (PyTorch's `plist[i]`).
   *
   * @example
   * weights.at(-1);
   */
  // biome-ignore lint/suspicious/noExplicitAny: usually a Parameter
  at(i: number): any {
    return [...this.items.values()][absoluteIndex('ParameterList', i, this.length)];
  }

  /**
   * Replaces the i-th entry (a tensor becomes a Parameter).
   *
   * @example
   * weights.set(0, g.zeros(4, 4));
   */
  set(i: number, value: unknown): void {
    this.items.set(String(absoluteIndex('ParameterList', i, this.length)), asParameter(value));
  }

  /**
   * The entries in [start, end) as a new ParameterList (the same Parameters).
   *
   * @example
   * weights.slice(1);
   */
  slice(start?: number, end?: number): ParameterList {
    const [from, to] = sliceBounds(this.length, start, end);
    return new ParameterList([...this.items.values()].slice(from, to));
  }

  /**
   * Appends a value (a tensor becomes a Parameter).
   *
   * @example
   * weights.append(g.randn(4, 4));
   */
  append(value: unknown): this {
    this.items.set(String(this.length), asParameter(value));
    return this;
  }

  /**
   * Appends every value of an iterable.
   *
   * @example
   * weights.extend([g.randn(4), g.randn(4)]);
   */
  extend(values: Iterable<unknown>): this {
    if (values === null || values instanceof g.Tensor || typeof (values as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(
        `ParameterList.extend should be called with an iterable, but got ${values === null ? 'null' : (values?.constructor?.name ?? typeof values)}`,
      );
    }
    for (const v of [...values]) this.append(v);
    return this;
  }

  /** Iterates the entries in order. */
  [Symbol.iterator](): Iterator<unknown> {
    return [...this.items.values()][Symbol.iterator]();
  }

  override forward(..._args: unknown[]): never {
    throw new Error('ParameterList should not be called.');
  }

  override extraRepr(): string {
    return [...this.items].map(([k, v]) => describeEntry(k, v, 0)).join('\n');
  }
}

/**
 * Parameters under string keys, in insertion order (PyTorch's
 * `nn.ParameterDict`); a plain tensor is made a Parameter. A Record given to
 * the constructor or to `update` is taken in sorted key order, as PyTorch
 * takes a plain dict; a Map keeps its order (an OrderedDict).
 *
 * @example
 * const p = new ParameterDict({ left: g.randn(5, 10), right: g.randn(5, 10) });
 * p.get('left').mm(x);
 */
export class ParameterDict extends Dict<unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: any values, as PyTorch's (tensors become Parameters)
  constructor(parameters?: ReadonlyMap<string, any> | Record<string, any> | Iterable<readonly [string, any]> | null) {
    super();
    if (parameters !== undefined && parameters !== null) this.update(parameters);
  }

  // biome-ignore lint/suspicious/noExplicitAny: usually a Parameter
  override get(key: string): any {
    return super.get(key);
  }

  override registerParameter(name: string, param: Parameter | null): void {
    this.items.set(checkEntryName(this.constructor.name, 'parameter', name), param);
  }

  /**
   * Adds or replaces the value under `key` (a tensor becomes a Parameter).
   *
   * @example
   * p.set('scale', g.ones(5));
   */
  set(key: string, value: unknown): void {
    this.items.set(checkEntryName('ParameterDict', 'parameter', key), asParameter(value));
  }

  /**
   * Adds the entries of a Map (in order), a Record (sorted by key, as PyTorch
   * takes a plain dict), another ParameterDict or [key, value] pairs.
   *
   * @example
   * p.update(new Map([['bias', g.zeros(5)]]));
   */
  // biome-ignore lint/suspicious/noExplicitAny: any values, as PyTorch's
  update(parameters: ReadonlyMap<string, any> | Record<string, any> | Iterable<readonly [string, any]>): void {
    for (const [k, v] of pairs<unknown>('ParameterDict', parameters, true)) this.set(k, v);
  }

  /**
   * A new ParameterDict with the same entries (the same Parameter objects).
   *
   * @example
   * const q = p.copy();
   */
  copy(): ParameterDict {
    return new ParameterDict(new Map(this.items));
  }

  override forward(..._args: unknown[]): never {
    throw new Error('ParameterDict should not be called.');
  }

  override extraRepr(): string {
    return [...this.items].map(([k, v]) => describeEntry(k, v, 1)).join('\n');
  }
}
