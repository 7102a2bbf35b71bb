/**
 * Module: the base of every layer. Parameters, buffers and submodules are
 * discovered from the module's own properties in definition order (as
 * PyTorch's __setattr__ registers them), so a subclass just assigns fields.
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';
import { keywordArguments } from './arguments.js';
import { Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). */
  strict?: boolean;
}

/** What `Module.loadStateDict` found (PyTorch's `_IncompatibleKeys`). */
export interface IncompatibleKeys {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Options of `Module.stateDict`. */
export interface StateDictOptions {
  /** Prepended to every key. */
  prefix?: string;
  /** Return the parameters themselves instead of detached tensors. */
  keepVars?: boolean;
}

/** Options of `Module.parameters` and `Module.buffers`. */
export interface RecurseOptions {
  /** Include the descendants' (default true). */
  recurse?: boolean;
}

/** Options of `Module.namedParameters`, `namedBuffers` and `namedModules`. */
export interface NamedOptions extends RecurseOptions {
  /** Prepended to every name. */
  prefix?: string;
}

/** Options of `Module.zeroGrad`. */
export interface ZeroGradOptions {
  /** Set gradients to null (default) rather than filling them with zeros. */
  setToNone?: boolean;
}

/** Options of `Module.to`. */
export interface ToOptions {
  device?: string;
  /** A floating dtype: floating parameters and buffers are cast to it. */
  dtype?: DType;
}

const DTYPES = ['float32', 'float64', 'int32', 'bool'] as const;

/** How a value is named in an error: its type, or its class. */
function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return v.constructor?.name ?? 'an object without prototype';
  return typeof v;
}

/** Sets an own entry, also for keys such as '__proto__' that assignment would treat specially. */
function setEntry<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A state dict's entries: a Map, or a Record's own enumerable keys (a '__proto__' key included). */
function stateEntries(state: unknown): ReadonlyMap<string, unknown> {
  if (state instanceof Map) return state as ReadonlyMap<string, unknown>;
  if (typeof state !== 'object' || state === null || Array.isArray(state) || state instanceof g.Tensor) {
    throw new TypeError(`loadStateDict: Expected state_dict to be dict-like (a Record or a Map), got ${describe(state)}.`);
  }
  return new Map(Object.keys(state).map((k) => [k, (state as Record<string, unknown>)[k]]));
}

/**
 * Base class for layers and models.
 *
 * @example
 * class Net extends Module {
 *   fc1 = new Linear(4, 8);
 *   fc2 = new Linear(8, 1);
 *   forward(x: g.Tensor) { return this.fc2.call(this.fc1.call(x).relu()); }
 * }
 * const net = new Net();
 * net.namedParameters().map(([n]) => n); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 */
/** The layers whose forward frees its intermediates (see `Module.call`): this package's own, never a subclass. */
const freesIntermediates = new WeakSet<object>();

/** @internal marks this package's layers (not containers: they run modules that may keep what they make). */
export function layersFreeIntermediates(...classes: (abstract new (...args: never[]) => Module)[]): void {
  for (const c of classes) freesIntermediates.add(c);
}

/** @internal whether `Module.call` runs this class's forward in a memory scope. */
export function layerFreesIntermediates(c: object): boolean {
  return freesIntermediates.has(c);
}

export class Module {
  /** Training mode (dropout on, batch statistics updated). */
  training = true;
  private readonly bufferNames = new Set<string>();
  private readonly nonPersistent = new Set<string>();

  /** The computation; subclasses override it. */
  // biome-ignore lint/suspicious/noExplicitAny: a module you write declares its own signature, which `call` then takes and returns
  forward(..._args: any[]): any {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /**
   * Runs `forward` (PyTorch's `module(x)`). The layers of this package run it
   * in a memory scope that frees what forward made on the way; a module you
   * write runs as it is (it may keep tensors it makes, as PyTorch modules do).
   */
  call<M extends Module>(this: M, ...args: Parameters<M['forward']>): ReturnType<M['forward']> {
    const run = () => this.forward(...args) as ReturnType<M['forward']>;
    return freesIntermediates.has(this.constructor) ? g.tidy(run) : run();
  }

  /** Own properties in definition order, skipping bookkeeping fields. */
  private ownEntries(): [string, unknown][] {
    return Object.entries(this).filter(([k]) => k !== 'training' && k !== 'bufferNames' && k !== 'nonPersistent');
  }

  /** Direct submodules with their names. */
  namedChildren(): [string, Module][] {
    return this.ownEntries().filter((e): e is [string, Module] => e[1] instanceof Module);
  }

  /** Direct submodules, in definition order. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and every descendant, pre-order, with dotted names ('' for this one).
   *
   * @example
   * model.namedModules().map(([name]) => name); // ['', 'fc1', 'fc2']
   */
  namedModules(prefix?: string): [string, Module][];
  namedModules(options?: NamedOptions): [string, Module][];
  namedModules(...args: unknown[]): [string, Module][] {
    const { prefix = '' } = keywordArguments<NamedOptions>('namedModules', args, ['prefix']);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** This module and every descendant, pre-order. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /**
   * Parameters with dotted names, in PyTorch's order (own first, then each
   * child's); shared ones once. `recurse: false` gives this module's own.
   *
   * @example
   * model.namedParameters().map(([name]) => name); // ['fc1.weight', 'fc1.bias', …]
   * model.namedParameters({ prefix: 'model', recurse: false });
   */
  namedParameters(prefix?: string, recurse?: boolean): [string, Parameter][];
  namedParameters(options?: NamedOptions): [string, Parameter][];
  namedParameters(...args: unknown[]): [string, Parameter][] {
    const { prefix = '', recurse = true } = keywordArguments<NamedOptions>('namedParameters', args, ['prefix', 'recurse']);
    const seen = new Set<Tensor>();
    const out: [string, Parameter][] = [];
    const modules = recurse ? this.namedModules(prefix) : ([[prefix, this]] as [string, Module][]);
    for (const [path, m] of modules) {
      for (const [k, v] of m.ownEntries()) {
        if (v instanceof Parameter && !seen.has(v)) {
          seen.add(v);
          out.push([path ? `${path}.${k}` : k, v]);
        }
      }
    }
    return out;
  }

  /**
   * Every parameter (shared ones once), in PyTorch's order.
   *
   * @example
   * new SGD(model.parameters(), { lr: 0.1 });
   */
  parameters(recurse?: boolean): Parameter[];
  parameters(options?: RecurseOptions): Parameter[];
  parameters(...args: unknown[]): Parameter[] {
    const { recurse = true } = keywordArguments<RecurseOptions>('parameters', args, ['recurse']);
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /**
   * Buffers (running statistics and the like) with dotted names;
   * `recurse: false` gives this module's own.
   *
   * @example
   * new BatchNorm1d(3).namedBuffers().map(([name]) => name); // ['running_mean', 'running_var', 'num_batches_tracked']
   */
  namedBuffers(prefix?: string, recurse?: boolean): [string, Tensor][];
  namedBuffers(options?: NamedOptions): [string, Tensor][];
  namedBuffers(...args: unknown[]): [string, Tensor][] {
    const { prefix = '', recurse = true } = keywordArguments<NamedOptions>('namedBuffers', args, ['prefix', 'recurse']);
    const out: [string, Tensor][] = [];
    const modules = recurse ? this.namedModules(prefix) : ([[prefix, this]] as [string, Module][]);
    for (const [path, m] of modules) {
      for (const name of m.bufferNames) {
        const v = (m as unknown as Record<string, Tensor | null>)[name];
        if (v instanceof g.Tensor) out.push([path ? `${path}.${name}` : name, v]);
      }
    }
    return out;
  }

  /**
   * Every buffer of this module and (unless `recurse` is false) its descendants.
   *
   * @example
   * model.buffers().length;
   */
  buffers(recurse?: boolean): Tensor[];
  buffers(options?: RecurseOptions): Tensor[];
  buffers(...args: unknown[]): Tensor[] {
    const { recurse = true } = keywordArguments<RecurseOptions>('buffers', args, ['recurse']);
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /**
   * Registers a tensor that is state but not a parameter (saved in the state dict
   * unless `persistent` is false).
   *
   * @example
   * this.registerBuffer('running_mean', g.zeros(8));
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent?: boolean): void;
  registerBuffer(name: string, tensor: Tensor | null, options?: { persistent?: boolean }): void;
  registerBuffer(name: string, tensor: Tensor | null, ...rest: unknown[]): void {
    const { persistent = true } = keywordArguments<{ persistent?: boolean }>('registerBuffer', rest, ['persistent']);
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`registerBuffer: buffer name must be a non-empty string without ".", got ${JSON.stringify(name)}`);
    }
    if (tensor !== null && !(tensor instanceof g.Tensor)) {
      throw new TypeError(`registerBuffer: cannot assign ${describe(tensor)} to buffer '${name}' (a Tensor or null required)`);
    }
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this.bufferNames.add(name);
    if (!persistent) this.nonPersistent.add(name);
  }

  /** Adds a parameter under `name` (same as assigning a Parameter to the property). */
  registerParameter(name: string, param: Parameter | null): void {
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /** Adds a submodule under `name`. */
  addModule(name: string, module: Module | null): void {
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** Sets training mode on this module and its descendants. */
  train(mode = true): this {
    if (typeof mode !== 'boolean') throw new TypeError(`train: training mode is expected to be boolean, got ${describe(mode)}`);
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears parameter gradients (to null by default, as PyTorch 2).
   *
   * @example
   * model.zeroGrad();
   * model.zeroGrad({ setToNone: false }); // zero-filled gradients instead
   */
  zeroGrad(options?: ZeroGradOptions): void {
    const { setToNone = true } = g.checkOptions('zeroGrad', options, ['setToNone']);
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) {
        // The gradient is this module's to drop (PyTorch's refcount would free it here).
        p.grad.dispose();
        p.grad = null;
      } else g.noGrad(() => p.grad!.zero_());
    }
  }

  /** Calls `fn` on every descendant and then on this module. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** This module's own state-dict entries (parameters, then persistent buffers), without null ones. */
  private localState(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [k, v] of this.ownEntries()) if (v instanceof Parameter) out.push([k, v]);
    for (const name of this.bufferNames) {
      const v = (this as unknown as Record<string, unknown>)[name];
      if (v instanceof g.Tensor && !this.nonPersistent.has(name)) out.push([name, v]);
    }
    return out;
  }

  /**
   * Own state entries that a state dict may lack, with the value they then
   * take (PyTorch's state-dict upgrades, e.g. BatchNorm's num_batches_tracked).
   */
  protected stateDictDefaults(): Record<string, number> {
    return {};
  }

  /**
   * Parameters and persistent buffers by PyTorch's key names, in its order:
   * each module's own parameters, then its buffers, then its children's.
   * The tensors are detached (sharing storage) unless `keepVars`.
   *
   * @example
   * Object.keys(new Sequential(new Linear(2, 1)).stateDict()); // ['0.weight', '0.bias']
   * new Linear(2, 1).stateDict({ prefix: 'head.' }); // keys 'head.weight', 'head.bias'
   */
  stateDict(options?: StateDictOptions): StateDict {
    const { prefix = '', keepVars = false } = g.checkOptions('stateDict', options, ['prefix', 'keepVars']);
    const out: StateDict = {};
    for (const [path, m] of this.namedModules()) {
      for (const [k, v] of m.localState()) setEntry(out, `${prefix}${path ? `${path}.` : ''}${k}`, keepVars ? v : v.detach());
    }
    return out;
  }

  /**
   * Copies tensors from a state dict (a Record, also a null-prototype one, or
   * a Map) into the parameters and buffers, as PyTorch's `load_state_dict`:
   * every entry is checked first — shapes must match exactly, values must be
   * tensors, and with `strict` (the default) no key may be missing or
   * unexpected — and on any problem it throws one error listing them all,
   * in PyTorch's words, leaving the module untouched. Values are cast to
   * the parameter's dtype and moved to its device.
   *
   * @example
   * model.loadStateDict(loadSafetensors(bytes));
   * const { missingKeys, unexpectedKeys } = model.loadStateDict(partial, { strict: false });
   */
  loadStateDict(state: StateDict | ReadonlyMap<string, Tensor>, options?: LoadStateDictOptions): IncompatibleKeys {
    const { strict = true } = g.checkOptions('loadStateDict', options, ['strict']);
    const entries = stateEntries(state);
    const missingKeys: string[] = [];
    const unexpectedKeys: string[] = [];
    const errors: string[] = [];
    const copies: [Tensor, Tensor][] = [];
    for (const [path, m] of this.namedModules()) {
      const prefix = path ? `${path}.` : '';
      const local = m.localState();
      const defaults = m.stateDictDefaults();
      for (const [name, dst] of local) {
        const key = prefix + name;
        let src: unknown = entries.get(key);
        if (!entries.has(key)) {
          if (!Object.hasOwn(defaults, name)) {
            missingKeys.push(key);
            continue;
          }
          src = g.full([], defaults[name]!, { dtype: dst.dtype, device: dst.device });
        }
        if (!(src instanceof g.Tensor)) {
          errors.push(
            `While copying the parameter named "${key}", expected Tensor or Tensor-like object from checkpoint but received ${describe(src)}`,
          );
          continue;
        }
        // PyTorch's backward compatibility: a 1-D checkpoint value loads into a 0-d parameter as its first element.
        const value = dst.ndim === 0 && src.ndim === 1 && src.shape[0]! > 0 ? src.select(0, 0) : src;
        if (value.shape.join() !== dst.shape.join()) {
          errors.push(
            `size mismatch for ${key}: copying a param with shape [${value.shape.join(', ')}] from checkpoint, the shape in current model is [${dst.shape.join(', ')}].`,
          );
          continue;
        }
        copies.push([dst, value]);
      }
      // As PyTorch: a key is unexpected when, under this module's prefix, its first part names no child and no own entry.
      const known = new Set([...m.namedChildren().map(([k]) => k), ...local.map(([k]) => k)]);
      for (const key of entries.keys()) {
        if (key.startsWith(prefix) && !known.has(key.slice(prefix.length).split('.')[0]!)) unexpectedKeys.push(key);
      }
    }
    if (strict && unexpectedKeys.length)
      errors.unshift(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (strict && missingKeys.length) errors.unshift(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}. `);
    if (errors.length) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    // Cast and move everything first: nothing is written until every value is ready.
    const ready = copies
      .map(([dst, src]) => [dst, src.dtype === dst.dtype ? src : src.to(dst.dtype)] as const)
      .map(([dst, src]) => [dst, src.device === dst.device ? src : src.to(dst.device)] as const);
    g.noGrad(() => {
      for (const [dst, src] of ready) dst.copy_(src);
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Moves parameters (with their gradients) and buffers to a device, or casts
   * the floating ones to a floating dtype (integer buffers such as
   * num_batches_tracked keep theirs, as in PyTorch), in place: they stay the
   * same objects (as PyTorch's `param.data = fn(param.data)`), so an
   * optimizer made before `to()` keeps training this model.
   *
   * @example
   * const model = new nn.Linear(2, 1);
   * const opt = new SGD(model.parameters(), { lr: 0.1 });
   * model.to('webgl'); // opt still holds model.weight and model.bias
   * model.to({ dtype: 'float64' });
   */
  to(target: string | ToOptions): this {
    let device: string | undefined;
    let dtype: DType | undefined;
    if (typeof target === 'string') {
      if ((DTYPES as readonly string[]).includes(target)) dtype = target as DType;
      else device = target;
    } else {
      const o = g.checkOptions('to', target, ['device', 'dtype']);
      device = o.device;
      dtype = o.dtype;
    }
    if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float64') {
      throw new TypeError(`to: nn.Module.to only accepts floating point dtypes, but got desired dtype=${dtype}`);
    }
    const moveInPlace = (t: Tensor) => {
      const data = t.data;
      let moved = device !== undefined ? data.to(device) : data;
      if (dtype !== undefined && (moved.dtype === 'float32' || moved.dtype === 'float64')) {
        const cast = moved.to(dtype);
        if (cast !== moved && moved !== data) moved.dispose();
        moved = cast;
      }
      t.data = moved;
      if (moved !== data) moved.dispose();
      data.dispose();
    };
    for (const m of this.modules()) {
      for (const [k, v] of m.ownEntries()) {
        if (v instanceof Parameter) {
          moveInPlace(v);
          if (v.grad !== null) moveInPlace(v.grad);
        } else if (v instanceof g.Tensor && m.bufferNames.has(k)) moveInPlace(v);
      }
    }
    return this;
  }

  /** Text between the parentheses of this module's repr. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's module repr: `Net(\n  (fc1): Linear(in_features=4, out_features=8, bias=True)\n)`. */
  toString(): string {
    const children = this.namedChildren();
    const name = this.constructor.name;
    if (children.length === 0) return `${name}(${this.extraRepr()})`;
    const lines = children.map(([k, c]) => `  (${k}): ${String(c).split('\n').join('\n  ')}`);
    const extra = this.extraRepr();
    return `${name}(\n${extra ? `  ${extra}\n` : ''}${lines.join('\n')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
