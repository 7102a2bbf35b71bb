/**
 * Random grad-mode programs for property tests: trees of checks, yields, sync
 * scopes, async scopes (awaited or started beside), `using` guards and
 * `setGradEnabled`, run under a seeded schedule. Each task keeps the mode the
 * documented semantics give it (its expected `Mode`); the runner compares it
 * with what Graft reports and with the errors Graft throws.
 */
import { expect } from 'vitest';
import * as gm from '../src/autograd/grad-mode.js';
import { Scheduler, seededRandom } from './schedule.js';

export type Kind = 'noGrad' | 'enableGrad' | 'inferenceMode';
export const KINDS: readonly Kind[] = ['noGrad', 'enableGrad', 'inferenceMode'];

export interface ModeState {
  grad: boolean;
  inference: boolean;
}

export function observed(): ModeState {
  return { grad: gm.isGradEnabled(), inference: gm.isInferenceModeEnabled() };
}

/** The mode a scope of `kind` runs in, entered from `m` (PyTorch's rules: noGrad and enableGrad keep inference mode). */
export function entered(kind: Kind, m: ModeState): ModeState {
  return kind === 'inferenceMode' ? { grad: false, inference: true } : { grad: kind === 'enableGrad', inference: m.inference };
}

export function scope<T>(kind: Kind, fn: () => T): T {
  return gm[kind](fn);
}

type Failure = 'none' | 'reject' | 'throw';

export type Action =
  | { t: 'check' }
  | { t: 'yield' }
  /** `g[kind](() => …)` around sync actions; `fail` throws at its end. */
  | { t: 'sync'; kind: Kind; body: Action[]; fail: boolean }
  /** `g[kind](async () => …)`, or with `plain` a plain function returning a promise; awaited, or started beside with `spawn`. */
  | { t: 'scope'; kind: Kind; plain: boolean; spawn: boolean; fail: Failure; body: Action[] }
  /** `using _ = g[kind]()` (or `g.setGradEnabled(flag)`) around the body. */
  | { t: 'guard'; kind: Kind | 'set'; flag: boolean; body: Action[] }
  /** `g.setGradEnabled(flag)`, never disposed: the enclosing scope restores. */
  | { t: 'set'; flag: boolean };

export interface ProgramOptions {
  /** Start async scopes beside the task (not awaited). */
  spawn: boolean;
  /** Also start plain-function scopes beside (they hold their task's mode, so only where no task model is checked). */
  plainSpawn: boolean;
  /** Bare `setGradEnabled` directly in async scope bodies (not only in guards and sync scopes). */
  bareSetInScopes: boolean;
}

/** A random program: the top-level task's actions. */
export function generateProgram(random: () => number, options: ProgramOptions): Action[] {
  const pickKind = (): Kind => KINDS[Math.floor(random() * KINDS.length)]!;
  const syncBody = (depth: number, restored: boolean): Action[] => {
    const out: Action[] = [];
    const n = 1 + Math.floor(random() * 3);
    for (let i = 0; i < n; i++) {
      const r = random();
      if (r < 0.5 || depth >= 2) out.push({ t: 'check' });
      else if (r < 0.8) out.push({ t: 'sync', kind: pickKind(), body: syncBody(depth + 1, true), fail: random() < 0.2 });
      else if (restored) out.push({ t: 'set', flag: random() < 0.5 });
    }
    return out;
  };
  // `restored`: an enclosing scope or guard restores a bare setGradEnabled here.
  const body = (depth: number, restored: boolean, plainFirstYield: boolean): Action[] => {
    const out: Action[] = plainFirstYield ? [{ t: 'yield' }] : [];
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      const r = random();
      if (r < 0.2) out.push({ t: 'check' });
      else if (r < 0.45) out.push({ t: 'yield' });
      else if (r < 0.55) out.push({ t: 'sync', kind: pickKind(), body: syncBody(0, true), fail: random() < 0.2 });
      else if (r < 0.8 && depth < 3) {
        const plain = random() < 0.3;
        const spawn = options.spawn && random() < 0.5 && (!plain || options.plainSpawn);
        const f = random();
        const fail: Failure = f < 0.75 ? 'none' : f < 0.9 ? 'reject' : 'throw';
        out.push({ t: 'scope', kind: pickKind(), plain, spawn, fail, body: body(depth + 1, options.bareSetInScopes, plain) });
      } else if (r < 0.92 && depth < 3) {
        const g = random();
        out.push({ t: 'guard', kind: g < 0.25 ? 'set' : pickKind(), flag: random() < 0.5, body: body(depth + 1, true, false) });
      } else if (restored) out.push({ t: 'set', flag: random() < 0.5 });
      else out.push({ t: 'check' });
    }
    out.push({ t: 'check' });
    return out;
  };
  return body(0, false, false);
}

/** An async scope that holds a Mode until it settles (see grad-mode.ts), as the model tracks it. */
interface Held {
  ended: boolean;
}

/** What a Mode holds, as the model tracks it: at most one pending unconfined scope. */
interface Slot {
  pending: Held | null;
}

interface Task {
  /** The mode this task must observe. */
  m: ModeState;
  slot: Slot;
  /** A task whose scope was refused after its function started: it runs on, unchecked. */
  zombie: boolean;
}

class Boom extends Error {}

export interface RunReport {
  checks: number;
  compared: number;
  overlapErrors: number;
  outlivedErrors: number;
}

/**
 * Runs `program` under a schedule seeded by `seed`. `confined`: the runtime
 * has AsyncLocalStorage (async functions get tasks of their own). `exact`:
 * compare every check with the task's expected mode (programs where no other
 * task shares the Mode while it is checked).
 */
export async function runProgram(program: Action[], seed: number, confined: boolean, exact: boolean): Promise<RunReport> {
  const random = seededRandom(seed);
  const scheduler = new Scheduler((n) => Math.floor(random() * n));
  const report: RunReport = { checks: 0, compared: 0, overlapErrors: 0, outlivedErrors: 0 };
  const where = (path: string) => `seed ${seed}, at ${path}`;

  const check = (task: Task, path: string) => {
    report.checks++;
    if (!exact || task.zombie) return;
    report.compared++;
    expect(observed(), where(path)).toEqual(task.m);
  };

  /** A sync scope or guard ends: the model's version of exitSync. Returns whether it must throw. */
  const expectOutlived = (slot: Slot, atEntry: Held | null): boolean => {
    const pending = slot.pending;
    if (pending === null || pending === atEntry) return false;
    pending.ended = true;
    slot.pending = null;
    return true;
  };

  const runSync = (actions: Action[], task: Task, path: string): void => {
    actions.forEach((a, i) => {
      const at = `${path}.${i}:${a.t}`;
      if (a.t === 'check') check(task, at);
      else if (a.t === 'set') {
        gm.setGradEnabled(a.flag);
        task.m.grad = a.flag;
        check(task, at);
      } else if (a.t === 'sync') {
        const saved = { ...task.m };
        try {
          scope(a.kind, () => {
            Object.assign(task.m, entered(a.kind, saved));
            check(task, at);
            runSync(a.body, task, at);
            if (a.fail) throw new Boom();
          });
        } catch (e) {
          if (!(e instanceof Boom)) throw e;
        }
        Object.assign(task.m, saved);
        check(task, at);
      } else throw new Error(`${a.t} in a sync body`);
    });
  };

  /** Runs a body; scopes started beside it are joined at its end. */
  const runBody = async (actions: Action[], task: Task, path: string): Promise<void> => {
    const beside: Promise<unknown>[] = [];
    try {
      await runActions(actions, task, path, beside);
    } finally {
      // biome-ignore lint/correctness/noUnsafeFinally: a task beside the program that failed is that program's error
      for (const r of await Promise.allSettled(beside)) if (r.status === 'rejected') throw r.reason;
    }
  };

  const runActions = async (actions: Action[], task: Task, path: string, beside: Promise<unknown>[]): Promise<void> => {
    for (let i = 0; i < actions.length; i++) {
      if (task.zombie) return;
      const a = actions[i]!;
      const at = `${path}.${i}:${a.t}`;
      switch (a.t) {
        case 'check':
          check(task, at);
          break;
        case 'yield':
          await scheduler.gate();
          break;
        case 'set':
        case 'sync':
          runSync([a], task, path);
          break;
        case 'guard': {
          const saved = { ...task.m };
          const atEntry = task.slot.pending;
          const guard = a.kind === 'set' ? gm.setGradEnabled(a.flag) : gm[a.kind]();
          Object.assign(task.m, a.kind === 'set' ? { grad: a.flag, inference: saved.inference } : entered(a.kind, saved));
          check(task, at);
          try {
            await runActions(a.body, task, at, beside);
          } finally {
            const mustThrow = expectOutlived(task.slot, atEntry);
            let error: unknown = null;
            try {
              guard[Symbol.dispose]();
            } catch (e) {
              error = e;
            }
            if (mustThrow) {
              report.outlivedErrors++;
              expect(String(error), where(at)).toMatch(/ended while .* is still pending/);
            } else expect(error, where(at)).toBe(null);
          }
          Object.assign(task.m, saved);
          check(task, at);
          break;
        }
        case 'scope': {
          const isConfined = confined && !a.plain;
          const slot = isConfined ? { pending: null } : task.slot;
          const child: Task = { m: entered(a.kind, task.m), slot, zombie: task.zombie };
          const mustRefuse = !isConfined && slot.pending !== null;
          const held: Held = { ended: false };
          let bodyPromise: Promise<void> | undefined;
          const asyncBody = async () => {
            await runBody(a.body, child, at);
            if (a.fail !== 'none') throw new Boom();
          };
          const fn = !a.plain
            ? asyncBody
            : a.fail === 'throw'
              ? () => {
                  throw new Boom();
                }
              : () => (bodyPromise = asyncBody());
          // Graft holds the Mode for an async function before calling it, for a plain one once it returned a promise.
          if (!isConfined && !a.plain && !mustRefuse) slot.pending = held;
          let started: Promise<unknown>;
          try {
            started = scope(a.kind, fn as () => Promise<void>);
          } catch (e) {
            if (e instanceof Boom) {
              expect(a.plain && a.fail === 'throw', where(at)).toBe(true);
              check(task, at);
              break;
            }
            if (!mustRefuse) throw e;
            report.overlapErrors++;
            expect(String(e), where(at)).toMatch(/cannot start an async grad-mode scope while .* is pending/);
            // A plain function already started: it runs on in whatever mode, unchecked.
            if (bodyPromise !== undefined) {
              child.zombie = true;
              beside.push(bodyPromise.catch(() => {}));
            }
            check(task, at);
            break;
          }
          expect(mustRefuse, where(`${at}: Graft started a scope that overlaps another`)).toBe(false);
          if (!isConfined && a.plain) slot.pending = held;
          const settled = started
            .then(
              () => expect(a.fail, where(at)).toBe('none'),
              (e) => {
                if (!(e instanceof Boom)) throw e;
              },
            )
            .finally(() => {
              held.ended = true;
              if (slot.pending === held) slot.pending = null;
            });
          if (a.spawn) beside.push(settled);
          else await settled;
          check(task, at);
          break;
        }
      }
    }
  };

  const root: Task = { m: { grad: true, inference: false }, slot: { pending: null }, zombie: false };
  expect(observed()).toEqual(root.m);
  await scheduler.drive(runBody(program, root, 'root'));
  expect(observed(), where('the end: every mode is restored')).toEqual({ grad: true, inference: false });
  return report;
}

/** Whether a program starts any scope beside its task. */
export function hasSpawn(actions: readonly Action[]): boolean {
  return actions.some((a) => (a.t === 'scope' && (a.spawn || hasSpawn(a.body))) || (a.t === 'guard' && hasSpawn(a.body)));
}
