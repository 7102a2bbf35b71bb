/**
 * What weightNorm and spectralNorm share (PyTorch's forward-pre-hook
 * reparametrisations, `torch.nn.utils.weight_norm` / `spectral_norm`): the
 * module's parameter `name` is replaced by the parameters and buffers it is
 * computed from, and a forward pre-hook recomputes `module[name]` (a plain
 * tensor, not a parameter) before every forward.
 */
import { Tensor } from '@graft/core';
import type { HookHandle } from '../hooks.js';
import type { Module } from '../module.js';
import { Parameter, parameterFrom } from '../parameter.js';

/** One reparametrisation registered on a module. */
export interface Reparametrization {
  readonly kind: 'weightNorm' | 'spectralNorm';
  readonly handle: HookHandle;
  /** The weight the parameter takes back when the reparametrisation is removed. */
  readonly finalWeight: () => Tensor;
  /** The entries it added, removed with it. */
  readonly added: readonly string[];
}

/** The reparametrisations of each module, by parameter name. */
const registered = new WeakMap<Module, Map<string, Reparametrization>>();

/** A module's entry by name (parameter, buffer or plain field). */
export function entryOf(module: Module, name: string): unknown {
  return (module as unknown as Record<string, unknown>)[name];
}

/** Sets the plain (non-parameter) tensor `module[name]` that forward reads. */
export function setComputed(module: Module, name: string, value: Tensor): void {
  const entries = module as unknown as Record<string, unknown>;
  const previous = entries[name];
  entries[name] = value;
  // The weight this hook computed last time is the module's own: free it (a graph that saved it keeps it
  // until its backward), so a loop that disposes what it uses does not keep one per forward. Inside a
  // tidy the scope had already freed it.
  if (previous instanceof Tensor && !(previous instanceof Parameter) && previous !== value && !previous.isDisposed) previous.dispose();
}

/** The parameter `name` of `module`, checked, and refused when it is already reparametrised. */
export function takeParameter(op: string, hookName: string, module: Module, name: string): Parameter {
  const existing = registered.get(module)?.get(name);
  if (existing) throw new Error(`${op}: Cannot register two ${hookName} hooks on the same parameter ${name}`);
  const p = entryOf(module, name);
  if (!(p instanceof Parameter)) {
    throw new Error(`${op}: Module '${module.constructor.name}' has no parameter or buffer with name '${name}'`);
  }
  return p;
}

/** Records a reparametrisation (its pre-hook's handle) so that `remove` finds it. */
export function record(module: Module, name: string, entry: Reparametrization): void {
  let byName = registered.get(module);
  if (!byName) registered.set(module, (byName = new Map()));
  byName.set(name, entry);
}

/** Removes a reparametrisation of `kind` on `name`: its hook goes, and `name` becomes a Parameter holding `finalWeight`. */
export function restore(op: string, hookName: string, kind: Reparametrization['kind'], module: Module, name: string): void {
  const byName = registered.get(module);
  const entry = byName?.get(name);
  if (!entry || entry.kind !== kind) throw new Error(`${op}: ${hookName} of '${name}' not found in ${module.constructor.name}`);
  const weight = entry.finalWeight();
  entry.handle.remove();
  byName!.delete(name);
  for (const n of entry.added) module.deleteAttribute(n);
  module.deleteAttribute(name);
  module.registerParameter(name, parameterFrom(weight.detach()));
  weight.dispose();
}
