/**
 * Optimizer: param groups, per-parameter state, and state dicts in PyTorch's
 * layout. Updates run under noGrad and write parameters in place.
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';

export type ParamGroup<O> = { params: Tensor[] } & O;
export type Params<O> = Iterable<Tensor> | readonly ({ params: Iterable<Tensor> } & Partial<O>)[];

/** What `stateDict()` returns: state by parameter index, and the groups' options. */
export interface OptimizerStateDict {
  state: Record<number, Record<string, unknown>>;
  paramGroups: Record<string, unknown>[];
}

export abstract class Optimizer<O extends object = Record<string, unknown>> {
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts). */
  readonly state = new Map<Tensor, Record<string, unknown>>();

  constructor(params: Params<O>, readonly defaults: O) {
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new Error('optimizer got an empty parameter list');
    const groups = list[0] instanceof g.Tensor ? [{ params: list as Tensor[] }] : (list as ({ params: Iterable<Tensor> } & Partial<O>)[]);
    for (const group of groups) this.addParamGroup(group as { params: Iterable<Tensor> } & Partial<O>);
  }

  /** Adds a group of parameters with its own options (the rest from the defaults). */
  addParamGroup(group: { params: Iterable<Tensor> } & Partial<O>): void {
    const params = [...group.params];
    for (const p of params) {
      if (!(p instanceof g.Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error("can't optimize a non-leaf Tensor");
      if (this.paramGroups.some((gr) => gr.params.includes(p))) throw new Error('some parameters appear in more than one parameter group');
    }
    this.paramGroups.push({ ...this.defaults, ...group, params } as ParamGroup<O>);
  }

  /** Clears gradients: to null (default, as PyTorch 2) or to zeros. */
  zeroGrad(options: { setToNone?: boolean } = {}): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (options.setToNone ?? true) {
          p.grad.dispose();
          p.grad = null;
        } else g.noGrad(() => p.grad!.zero_());
      }
    }
  }

  /** One update of every parameter that has a gradient. `closure` re-evaluates the loss. */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure === undefined ? undefined : g.enableGrad(closure);
    g.noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          let state = this.state.get(p);
          if (state === undefined) this.state.set(p, (state = {}));
          g.tidy(() => this.update(p, p.grad!, state!, group));
        }
      }
    });
    return loss;
  }

  /** The update rule for one parameter (runs under noGrad inside tidy; keep state tensors with g.keep). */
  protected abstract update(p: Tensor, grad: Tensor, state: Record<string, unknown>, group: ParamGroup<O>): void;

  /** State and options, with parameters as indices in group order (PyTorch's layout). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const { params, ...options } = group;
      return { ...options, params: params.map((p) => (index.has(p) ? index.get(p)! : (index.set(p, index.size), index.size - 1))) };
    });
    const state: OptimizerStateDict['state'] = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof g.Tensor ? v.clone() : v]));
    }
    return { state, paramGroups };
  }

  /** Restores `stateDict()` output; the groups must hold the same numbers of parameters. */
  loadStateDict(dict: OptimizerStateDict): void {
    if (dict.paramGroups.length !== this.paramGroups.length) {
      throw new Error(`loaded state dict has a different number of parameter groups (${dict.paramGroups.length} vs ${this.paramGroups.length})`);
    }
    const byIndex: Tensor[] = [];
    dict.paramGroups.forEach((saved, i) => {
      const group = this.paramGroups[i]!;
      const ids = saved['params'] as number[];
      if (ids.length !== group.params.length) {
        throw new Error(`loaded state dict contains a parameter group that doesn't match the size of optimizer's group (${ids.length} vs ${group.params.length})`);
      }
      ids.forEach((id, k) => (byIndex[id] = group.params[k]!));
      const { params: _ignored, ...options } = saved;
      Object.assign(group, options);
    });
    this.state.clear();
    for (const [id, s] of Object.entries(dict.state)) {
      const p = byIndex[Number(id)];
      if (p === undefined) continue;
      this.state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof g.Tensor ? g.keep(v.clone()) : v])));
    }
  }
}

/** Replaces a state tensor, disposing the old one and keeping the new one past tidy. */
export function setState(state: Record<string, unknown>, key: string, value: Tensor): Tensor {
  const old = state[key];
  if (old instanceof g.Tensor && old !== value) old.dispose();
  state[key] = g.keep(value);
  return value;
}
