/**
 * Module: the base of every layer. Parameters, buffers and submodules are
 * discovered from the module's own properties in definition order (as
 * PyTorch's __setattr__ registers them), so a subclass just assigns fields.
 */
import * as g from '@graft/core';
import type { DType, Tensor } from '@graft/core';
import { isOptionsObject, keywordArguments } from './arguments.js';
import { BackwardHook, type BackwardHookFn } from './backward-hook.js';
import { type HookHandle, HookList } from './hooks.js';
import { Parameter } from './parameter.js';
import { checkForwardArguments } from './forward-arguments.js';
import { checkEntryName, type EntryKind } from './entry-names.js';

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

/** Options of `Module.namedModules`. */
export interface NamedModulesOptions {
  /** Prepended to every name. */
  prefix?: string;
  /** List a module reachable by several paths once, under its first (default true, as PyTorch). */
  removeDuplicate?: boolean;
}

/** Options of `Module.registerForwardPreHook` (PyTorch 2's keyword arguments; 1.13 has none). */
export interface ForwardPreHookOptions {
  /** Run this hook before the ones already registered. */
  prepend?: boolean;
  /** Call the hook as `hook(module, args, kwargs)`; it may return `[args, kwargs]`. */
  withKwargs?: boolean;
}

/** Options of `Module.registerForwardHook` (PyTorch 2's keyword arguments; 1.13 has none). */
export interface ForwardHookOptions extends ForwardPreHookOptions {
  /** Also run the hook (with `output` undefined) when forward throws; the error is then rethrown. */
  alwaysCall?: boolean;
}

/** Options of `Module.registerFullBackwardHook` (PyTorch 2's keyword argument; 1.13 has none). */
export interface BackwardHookOptions {
  /** Run this hook before the ones already registered. */
  prepend?: boolean;
}

/** A forward pre-hook: `(module, args) => new args | void` (with `withKwargs`: `(module, args, kwargs) => [args, kwargs] | void`). */
// biome-ignore lint/suspicious/noExplicitAny: a hook sees whatever the module is called with
export type ForwardPreHook = (module: any, args: any[], kwargs?: Record<string, unknown>) => any;
/** A forward hook: `(module, args, output) => new output | void` (with `withKwargs`: `(module, args, kwargs, output)`). */
// biome-ignore lint/suspicious/noExplicitAny: a hook sees whatever the module is called with and returns
export type ForwardHook = (module: any, args: any[], ...rest: any[]) => any;
export type { BackwardHookFn as BackwardHook, HookHandle };

/** The hooks a module keeps, by kind. */
interface ModuleHooks {
  pre: HookList<ForwardPreHook>;
  forward: HookList<ForwardHook>;
  backward: HookList<BackwardHookFn>;
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

/** The layers whose forward frees its intermediates (see `Module.call`): this package's own, never a subclass. */
const freesIntermediates = new WeakSet<object>();

/** @internal marks this package's layers (not containers: they run modules that may keep what they make). */
export function layersFreeIntermediates(...classes: (abstract new (...args: never[]) => Module)[]): void {
  for (const c of classes) freesIntermediates.add(c);
}

/** How many leading arguments of a layer's forward are required tensors (default 1), and what else an input may be. */
const layerInputCounts = new WeakMap<object, { count: number; accepts?: (value: unknown) => boolean }>();

/**
 * @internal declares that the forward of these layers (and of their
 * subclasses in this package) takes `count` required tensors first — a
 * loss's input and target, Bilinear's two inputs; `accepts` widens what an
 * input may be (an RNN's PackedSequence). Layers not declared take one.
 */
export function layerInputs(
  count: number,
  classes: readonly (abstract new (...args: never[]) => Module)[],
  accepts?: (value: unknown) => boolean,
): void {
  for (const c of classes) layerInputCounts.set(c, accepts === undefined ? { count } : { count, accepts });
}

/** The declared inputs of one of this package's layers (none for any other module: its forward is the author's). */
function layerInputsOf(c: object): { count: number; accepts?: (value: unknown) => boolean } {
  if (!freesIntermediates.has(c)) return { count: 0 };
  for (let k: object | null = c; k !== null && k !== Module; k = Object.getPrototypeOf(k)) {
    const declared = layerInputCounts.get(k);
    if (declared !== undefined) return declared;
  }
  return { count: 1 };
}

/** @internal whether `Module.call` runs this class's forward in a memory scope. */
export function layerFreesIntermediates(c: object): boolean {
  return freesIntermediates.has(c);
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
export class Module {
  /** Training mode (dropout on, batch statistics updated). */
  training = true;
  private readonly bufferNames = new Set<string>();
  private readonly nonPersistent = new Set<string>();
  /** Hooks, made on the first registration (a private field: never seen as an entry). */
  #hooks: ModuleHooks | undefined;

  /** The computation; subclasses override it. */
  // biome-ignore lint/suspicious/noExplicitAny: a module you write declares its own signature, which `call` then takes and returns
  forward(..._args: any[]): any {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /**
   * Runs `forward` (PyTorch's `module(x)`), with the module's hooks as
   * PyTorch's `_call_impl` runs them: forward pre-hooks, then forward, then
   * forward hooks, with full backward hooks attached to the inputs and
   * outputs. The layers of this package run forward in a memory scope that
   * frees what it made on the way; a module you write runs as it is (it may
   * keep tensors it makes, as PyTorch modules do). Hooks run in the caller's
   * scope, so what they keep stays alive.
   */
  call<M extends Module>(this: M, ...args: Parameters<M['forward']>): ReturnType<M['forward']> {
    const hooks = this.#hooks;
    if (hooks === undefined || hooks.pre.length + hooks.forward.length + hooks.backward.length === 0) {
      return this.runForward(args) as ReturnType<M['forward']>;
    }
    return this.callWithHooks(hooks, args) as ReturnType<M['forward']>;
  }

  /** forward, its arguments checked (see forward-arguments.ts), in a memory scope for this package's layers. */
  private runForward(args: readonly unknown[]): unknown {
    const { count, accepts } = layerInputsOf(this.constructor);
    checkForwardArguments(this, this.forward, args, count, accepts);
    const run = () => this.forward(...args);
    return freesIntermediates.has(this.constructor) ? g.tidy(run) : run();
  }

  private callWithHooks(hooks: ModuleHooks, given: unknown[]): unknown {
    // Keyword arguments are Graft's trailing options object: hooks see the positional arguments, as PyTorch's.
    const hasKwargs = given.length > 0 && isOptionsObject(given[given.length - 1]);
    let args = hasKwargs ? given.slice(0, -1) : [...given];
    let kwargs = (hasKwargs ? given[given.length - 1] : {}) as Record<string, unknown>;
    let result: unknown;
    const called = new Set<number>();
    try {
      for (const { hook, withKwargs } of [...hooks.pre.entries]) {
        if (withKwargs) {
          const r = hook(this, args, kwargs);
          if (r === undefined || r === null) continue;
          if (!Array.isArray(r) || r.length !== 2) {
            throw new Error(`forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got ${String(r)}.`);
          }
          args = [...(r[0] as unknown[])];
          kwargs = r[1] as Record<string, unknown>;
        } else {
          const r = hook(this, args);
          // As PyTorch: a single value (not a tuple) replaces the one positional argument.
          if (r !== undefined && r !== null) args = Array.isArray(r) ? [...r] : [r];
        }
      }
      const bw = hooks.backward.length
        ? new BackwardHook(
            this,
            hooks.backward.entries.map((e) => e.hook),
          )
        : null;
      if (bw) args = bw.setupInputHook(args);
      result = this.runForward(hasKwargs || Object.keys(kwargs).length ? [...args, kwargs] : args);
      for (const { id, hook, withKwargs, alwaysCall } of [...hooks.forward.entries]) {
        if (alwaysCall) called.add(id);
        const r = withKwargs ? hook(this, args, kwargs, result) : hook(this, args, result);
        if (r !== undefined && r !== null) result = r;
      }
      return bw ? bw.setupOutputHook(result) : result;
    } catch (error) {
      // PyTorch 2's always_call: hooks that have not run yet run now; what they throw is reported and silenced.
      for (const { id, hook, withKwargs, alwaysCall } of [...hooks.forward.entries]) {
        if (!alwaysCall || called.has(id)) continue;
        try {
          const r = withKwargs ? hook(this, args, kwargs, result) : hook(this, args, result);
          if (r !== undefined && r !== null) result = r;
        } catch (e) {
          console.warn(
            `UserWarning: module forward hook with \`\`always_call=True\`\` raised an exception that was silenced as another error was raised in forward: ${(e as Error).message}`,
          );
        }
      }
      throw error;
    }
  }

  private hookLists(): ModuleHooks {
    this.#hooks ??= { pre: new HookList(), forward: new HookList(), backward: new HookList() };
    return this.#hooks;
  }

  /**
   * Registers `hook(module, args)`, called before every `forward`; returning a
   * value replaces the positional arguments (an array replaces them all, any
   * other value the only one), as PyTorch's forward pre-hooks. Options are
   * PyTorch 2's (`prepend`, `withKwargs`).
   *
   * @example
   * const handle = model.registerForwardPreHook((m, [x]) => [x.mul(2)]);
   * handle.remove();
   */
  registerForwardPreHook(hook: ForwardPreHook, options?: ForwardPreHookOptions): HookHandle {
    const o = g.checkOptions('registerForwardPreHook', options, ['prepend', 'withKwargs']);
    return this.hookLists().pre.add(hook, o);
  }

  /**
   * Registers `hook(module, args, output)`, called after every `forward`;
   * returning a value replaces the output, as PyTorch's forward hooks. Options
   * are PyTorch 2's (`prepend`, `withKwargs`, `alwaysCall`).
   *
   * @example
   * const shapes: number[][] = [];
   * const handle = model.fc1.registerForwardHook((m, args, out) => { shapes.push([...out.shape]); });
   * model.call(x); handle.remove();
   */
  registerForwardHook(hook: ForwardHook, options?: ForwardHookOptions): HookHandle {
    const o = g.checkOptions('registerForwardHook', options, ['prepend', 'withKwargs', 'alwaysCall']);
    return this.hookLists().forward.add(hook, o);
  }

  /**
   * Registers `hook(module, gradInput, gradOutput)`, called when the gradients
   * with respect to the module's inputs are computed, as PyTorch's full
   * backward hooks (`torch.utils.hooks.BackwardHook`): `gradInput` has one entry
   * per positional argument and `gradOutput` one per output (`null` for what is
   * not a tensor or got no gradient); returning an array replaces `gradInput`.
   * Forward then receives views of its tensor inputs, and the caller views of
   * its outputs. A hook runs inside the backward pass: tensors it makes are
   * freed when the step ends unless it returns them or `g.keep`s them.
   *
   * @example
   * model.fc1.registerFullBackwardHook((m, gradInput, gradOutput) => {
   *   console.log(gradOutput[0]!.norm().item());
   * });
   */
  registerFullBackwardHook(hook: BackwardHookFn, options?: BackwardHookOptions): HookHandle {
    const o = g.checkOptions('registerFullBackwardHook', options, ['prepend']);
    return this.hookLists().backward.add(hook, o);
  }

  /**
   * Own properties in definition order (parameters, buffers, submodules and
   * plain fields), skipping bookkeeping fields. Containers that keep their
   * entries elsewhere (ModuleDict, ParameterList, …) add them here.
   */
  protected ownEntries(): [string, unknown][] {
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
   * This module and every descendant, pre-order, with dotted names ('' for
   * this one). A module reachable by several paths is listed once, under its
   * first, unless `removeDuplicate` is false (as PyTorch's `named_modules`).
   *
   * @example
   * model.namedModules().map(([name]) => name); // ['', 'fc1', 'fc2']
   */
  namedModules(prefix?: string, removeDuplicate?: boolean): [string, Module][];
  namedModules(options?: NamedModulesOptions): [string, Module][];
  namedModules(...args: unknown[]): [string, Module][] {
    const { prefix = '', removeDuplicate = true } = keywordArguments<NamedModulesOptions>('namedModules', args, [
      'prefix',
      'removeDuplicate',
    ]);
    return this.walk(prefix, removeDuplicate ? new Set() : null);
  }

  /** Pre-order (path, module) pairs; with `seen`, each module once. */
  private walk(prefix: string, seen: Set<Module> | null): [string, Module][] {
    if (seen !== null) {
      if (seen.has(this)) return [];
      seen.add(this);
    }
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.walk(prefix ? `${prefix}.${name}` : name, seen));
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
    const seen = new Set<Tensor>();
    const modules = recurse ? this.namedModules(prefix) : ([[prefix, this]] as [string, Module][]);
    for (const [path, m] of modules) {
      for (const name of m.bufferNames) {
        const v = (m as unknown as Record<string, Tensor | null>)[name];
        if (v instanceof g.Tensor && !seen.has(v)) {
          seen.add(v);
          out.push([path ? `${path}.${name}` : name, v]);
        }
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
    this.checkEntry('registerBuffer', 'buffer', name);
    if (tensor !== null && !(tensor instanceof g.Tensor)) {
      throw new TypeError(`registerBuffer: cannot assign ${describe(tensor)} to buffer '${name}' (a Tensor or null required)`);
    }
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this.bufferNames.add(name);
    if (!persistent) this.nonPersistent.add(name);
  }

  /**
   * Adds a parameter under `name` (same as assigning a Parameter to the
   * property), checked as PyTorch's `register_parameter`: a non-empty name
   * without ".", not already an attribute of another kind (a buffer, a
   * submodule, a method, a plain value), and a Parameter or null.
   *
   * @example
   * this.registerParameter('scale', new nn.Parameter(g.ones(4)));
   * this.registerParameter('a.b', p); // throws: parameter name can't contain "."
   */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkEntry('registerParameter', 'parameter', name);
    if (param !== null && !(param instanceof Parameter)) {
      throw new TypeError(
        `registerParameter: cannot assign '${describe(param)}' object to parameter '${name}' (nn.Parameter or null required)`,
      );
    }
    (this as unknown as Record<string, unknown>)[name] = param;
  }

  /**
   * Adds a submodule under `name`, checked as PyTorch's `add_module`: a
   * non-empty name without ".", not already an attribute of another kind
   * (a parameter, a buffer, a method, a plain value), and a Module or null.
   *
   * @example
   * this.addModule('head', new nn.Linear(8, 2));
   * new nn.Linear(2, 2).addModule('weight', new nn.ReLU()); // throws: attribute 'weight' already exists
   */
  addModule(name: string, module: Module | null): void {
    this.checkEntry('addModule', 'module', name);
    if (module !== null && !(module instanceof Module)) throw new TypeError(`addModule: ${describe(module)} is not a Module subclass`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }

  /** `registerModule`: PyTorch's alias of `addModule`. */
  registerModule(name: string, module: Module | null): void {
    this.addModule(name, module);
  }

  /**
   * PyTorch's checks of a name about to hold an entry of `kind`: a valid name,
   * and not an attribute of another kind (an empty slot — a property that is
   * null or undefined, such as a bias-less layer's `bias` — takes any kind).
   */
  private checkEntry(op: string, kind: EntryKind, name: unknown): void {
    checkEntryName(op, kind, name);
    const key = name as string;
    // The entries first (a container keeps its own apart from its properties), then any attribute, methods included.
    const entry = this.ownEntries().find(([k]) => k === key);
    if (entry === undefined && !(key in this)) return;
    const value = entry !== undefined ? entry[1] : (this as unknown as Record<string, unknown>)[key];
    const existing: EntryKind | 'attribute' | 'empty' = this.bufferNames.has(key)
      ? 'buffer'
      : value instanceof Parameter
        ? 'parameter'
        : value instanceof Module
          ? 'module'
          : (value === null || value === undefined) && entry !== undefined
            ? 'empty'
            : 'attribute';
    if (existing !== 'empty' && existing !== kind) throw new Error(`${op}: attribute '${key}' already exists`);
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

  /**
   * Sets `requiresGrad` on every parameter (PyTorch's `requires_grad_`):
   * `false` freezes the module, `true` (the default) unfreezes it.
   *
   * @example
   * model.backbone.requiresGrad_(false); // fine-tune only the rest
   */
  requiresGrad_(requiresGrad = true): this {
    if (typeof requiresGrad !== 'boolean') throw new TypeError(`requiresGrad_: expected a boolean, got ${describe(requiresGrad)}`);
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * The submodule at a dotted path (`''` is this module), as PyTorch's
   * `get_submodule`; throws naming the first part that is missing or not a
   * module.
   *
   * @example
   * model.getSubmodule('encoder.layers.0'); // the first encoder layer
   */
  getSubmodule(target: string): Module {
    if (target === '') return this;
    let mod: Module = this;
    for (const item of target.split('.')) {
      const next = mod.attribute(item);
      if (next === undefined) throw new Error(`${mod.constructor.name} has no attribute \`${item}\``);
      if (!(next instanceof Module)) throw new Error(`\`${item}\` is not an nn.Module`);
      mod = next;
    }
    return mod;
  }

  /**
   * The parameter at a dotted path, as PyTorch's `get_parameter`.
   *
   * @example
   * model.getParameter('fc1.weight').shape; // [8, 4]
   */
  getParameter(target: string): Parameter {
    const [mod, name] = this.owner(target);
    const value = mod.attribute(name);
    if (value === undefined) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    if (!(value instanceof Parameter)) throw new Error(`\`${name}\` is not an nn.Parameter`);
    return value;
  }

  /**
   * The buffer at a dotted path, as PyTorch's `get_buffer`.
   *
   * @example
   * model.getBuffer('bn.running_mean');
   */
  getBuffer(target: string): Tensor {
    const [mod, name] = this.owner(target);
    const value = mod.attribute(name);
    if (value === undefined) throw new Error(`${mod.constructor.name} has no attribute \`${name}\``);
    if (!mod.bufferNames.has(name) || !(value instanceof g.Tensor)) throw new Error(`\`${name}\` is not a buffer`);
    return value;
  }

  /** The module holding the last part of a dotted path, and that part. */
  private owner(target: string): [Module, string] {
    const cut = target.lastIndexOf('.');
    return [this.getSubmodule(cut < 0 ? '' : target.slice(0, cut)), target.slice(cut + 1)];
  }

  /** An entry by name (a property, or a container's item); undefined when there is none. */
  private attribute(name: string): unknown {
    for (const [k, v] of this.ownEntries()) if (k === name) return v;
    return undefined;
  }

  /**
   * @internal Removes a parameter, buffer, submodule or field (Python's
   * `delattr(module, name)`), so the name can be registered afresh.
   */
  deleteAttribute(name: string): void {
    delete (this as unknown as Record<string, unknown>)[name];
    this.bufferNames.delete(name);
    this.nonPersistent.delete(name);
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
    // Every path, as PyTorch's state_dict: a module shared by two paths is saved under both.
    for (const [path, m] of this.walk('', null)) {
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
    for (const [path, m] of this.walk('', null)) {
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

  /**
   * Casts every floating-point parameter and buffer to float64, in place
   * (PyTorch's `module.double()`: `to('float64')`; integer buffers keep
   * their dtype).
   *
   * @example
   * new nn.Linear(2, 2).double().weight.dtype; // 'float64'
   */
  double(): this {
    return this.to('float64');
  }

  /**
   * Casts every floating-point parameter and buffer to float32, in place
   * (PyTorch's `module.float()`: `to('float32')`).
   *
   * @example
   * model.double().float().weight.dtype; // 'float32'
   */
  float(): this {
    return this.to('float32');
  }

  /** Text between the parentheses of this module's repr. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's module repr: `Net(\n  (fc1): Linear(in_features=4, out_features=8, bias=True)\n)`. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = this.namedChildren().map(([k, c]) => `(${k}): ${String(c).split('\n').join('\n  ')}`);
    const lines = [...extraLines, ...childLines];
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (extraLines.length === 1 && childLines.length === 0) return `${name}(${extraLines[0]})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
