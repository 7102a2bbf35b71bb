/**
 * Module: the base of every layer. Parameters, buffers and submodules are
 * discovered from the module's own properties in definition order (as
 * PyTorch's __setattr__ registers them), so a subclass just assigns fields.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { Parameter } from './parameter.js';

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  /** Require the keys to match exactly (default true). */
  strict?: boolean;
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

  /** The computation; subclasses override it. */
  forward(..._args: unknown[]): unknown {
    throw new Error(`Module [${this.constructor.name}] is missing the required "forward" function`);
  }

  /** Runs `forward` (PyTorch's `module(x)`). */
  call(...args: unknown[]): any {
    return this.forward(...args);
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

  /** This module and every descendant, pre-order, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** This module and every descendant, pre-order. */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names, in PyTorch's order (own first, then each child's); shared ones once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
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

  /** Every parameter (shared ones once), in PyTorch's order. */
  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  /** Buffers (running statistics and the like) with dotted names. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules(prefix)) {
      for (const name of m.bufferNames) {
        const v = (m as unknown as Record<string, Tensor | null>)[name];
        if (v instanceof g.Tensor) out.push([path ? `${path}.${name}` : name, v]);
      }
    }
    return out;
  }

  /** Every buffer of this module and its descendants. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /**
   * Registers a tensor that is state but not a parameter (saved in the state dict
   * unless `persistent` is false).
   */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
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
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /** Clears parameter gradients (to null by default, as PyTorch 2). */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (options.setToNone ?? true) p.grad = null;
      else g.noGrad(() => p.grad!.zero_());
    }
  }

  /** Calls `fn` on every descendant and then on this module. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers by PyTorch's key names, in its order:
   * each module's own parameters, then its buffers, then its children's.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [path, m] of this.namedModules()) {
      const key = (k: string) => (path ? `${path}.${k}` : k);
      for (const [k, v] of m.ownEntries()) if (v instanceof Parameter) out[key(k)] = v.detach();
      for (const name of m.bufferNames) {
        const v = (m as unknown as Record<string, Tensor | null>)[name];
        if (v instanceof g.Tensor && !m.nonPersistent.has(name)) out[key(name)] = v.detach();
      }
    }
    return out;
  }

  /**
   * Copies tensors from a state dict into the parameters and buffers. Throws on
   * missing or unexpected keys (when strict) and on any shape mismatch,
   * naming the keys and the shapes.
   */
  loadStateDict(state: StateDict | Map<string, Tensor>, options: LoadStateDictOptions = {}): { missingKeys: string[]; unexpectedKeys: string[] } {
    const strict = options.strict ?? true;
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const own = new Map<string, [Module, string, boolean]>();
    for (const [path, m] of this.namedModules()) {
      for (const [k, v] of m.ownEntries()) if (v instanceof Parameter) own.set(path ? `${path}.${k}` : k, [m, k, true]);
      for (const name of m.bufferNames) if (!m.nonPersistent.has(name)) own.set(path ? `${path}.${name}` : name, [m, name, false]);
    }
    const missingKeys = [...own.keys()].filter((k) => !entries.has(k));
    const unexpectedKeys = [...entries.keys()].filter((k) => !own.has(k));
    const problems: string[] = [];
    if (strict && unexpectedKeys.length) problems.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    if (strict && missingKeys.length) problems.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
    for (const [key, [m, name]] of own) {
      const src = entries.get(key);
      const dst = (m as unknown as Record<string, Tensor | null>)[name];
      if (src === undefined || !(dst instanceof g.Tensor)) continue;
      if (src.shape.join() !== dst.shape.join()) {
        problems.push(
          `size mismatch for ${key}: copying a param with shape [${src.shape.join(', ')}] from checkpoint, the shape in current model is [${dst.shape.join(', ')}].`,
        );
      }
    }
    if (problems.length) throw new Error(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${problems.join('\n\t')}`);
    g.noGrad(() => {
      for (const [key, [m, name]] of own) {
        const src = entries.get(key);
        const dst = (m as unknown as Record<string, Tensor>)[name];
        if (src !== undefined && dst instanceof g.Tensor) dst.copy_(src);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Moves parameters (with their gradients) and buffers to a device, or casts
   * them to a dtype, in place: they stay the same objects (as PyTorch's
   * `param.data = fn(param.data)`), so an optimizer made before `to()` keeps
   * training this model.
   *
   * @example
   * const model = new nn.Linear(2, 1);
   * const opt = new SGD(model.parameters(), { lr: 0.1 });
   * model.to('webgl'); // opt still holds model.weight and model.bias
   */
  to(target: string): this {
    const moveInPlace = (t: Tensor) => {
      const data = t.data;
      const moved = data.to(target);
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
