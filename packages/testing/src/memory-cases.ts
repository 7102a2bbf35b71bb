/**
 * Conformance cases for memory scopes: what `tidy` frees and keeps — on
 * return, on a throw, for an async function, at any depth of the returned
 * value — on every backend (on a GPU a leak is a texture).
 */
import * as g from '@graft/core';
import type { Tensor } from '@graft/core';
import { assertEqual, assertThrows, fail } from './assert.js';
import type { TestApi } from './index.js';

interface Context {
  device: string;
  inDevice<T>(fn: () => T): T;
}

export function memoryCases(t: TestApi, ctx: Context): void {
  const it = (name: string, fn: () => void | Promise<void>) => t.it(name, () => ctx.inDevice(fn as () => void));
  const live = () => g.memory().numTensors;

  t.describe(`conformance on '${ctx.device}': tidy frees what it made, whatever happens`, () => {
    it('a throwing function: everything it made is freed and the error rethrown', () => {
      const before = live();
      assertThrows(
        () =>
          g.tidy(() => {
            g.ones(3).mul(2).add(1);
            throw new Error('boom');
          }),
        ['boom'],
        'rethrown',
      );
      assertEqual(live(), before, 'live tensors after a throw inside tidy');
    });

    it('an async function is refused, what it made so far is freed, and its rejection is not left unhandled', async () => {
      const before = live();
      let rejected = false;
      const onUnhandled = () => (rejected = true);
      const proc = (globalThis as { process?: { on(e: string, f: () => void): void; off(e: string, f: () => void): void } }).process;
      proc?.on('unhandledRejection', onUnhandled);
      try {
        assertThrows(
          () =>
            g.tidy((async () => {
              g.ones(3);
              await Promise.resolve();
              throw new Error('late');
            }) as unknown as () => Tensor),
          ['tidy: the function returned a Promise'],
          'async refused',
        );
        // Counted before the event loop turns (a finalizer may free older forgotten tensors meanwhile).
        assertEqual(live(), before, 'live tensors after an async function in tidy');
        await new Promise((resolve) => setTimeout(resolve, 10));
      } finally {
        proc?.off('unhandledRejection', onUnhandled);
      }
      assertEqual(rejected, false, 'an unhandled rejection');
    });

    it('returned tensors survive at any depth: nested arrays and objects, Maps (keys and values), Sets', () => {
      const before = live();
      let deep: unknown = null;
      const result = g.tidy(() => {
        let nest: unknown = g.ones(1);
        for (let i = 0; i < 12; i++) nest = i % 2 === 0 ? [nest] : { inner: nest };
        deep = nest;
        const byKey = new Map<Tensor, Tensor>([[g.ones(2), g.zeros(2)]]);
        const set = new Set([g.ones(3)]);
        const cyclic: { self?: unknown; t: Tensor } = { t: g.ones(4) };
        cyclic.self = cyclic;
        g.ones(5); // not returned: freed
        return { nest, byKey, set, cyclic };
      });
      let inner: unknown = deep;
      while (!(inner instanceof g.Tensor)) inner = Array.isArray(inner) ? inner[0] : (inner as { inner: unknown }).inner;
      const survivors: Tensor[] = [inner, ...result.byKey.keys(), ...result.byKey.values(), ...result.set, result.cyclic.t];
      for (const s of survivors) if (s.isDisposed) fail('a returned tensor was disposed');
      assertEqual(live(), before + survivors.length, 'live tensors: exactly the returned ones');
      for (const s of survivors) s.dispose();
    });

    it('nested tidy: an inner result belongs to the outer scope; keep() outlives both', () => {
      const before = live();
      let kept: Tensor | undefined;
      g.tidy(() => {
        const inner = g.tidy(() => g.ones(2).add(1));
        kept = g.keep(inner.mul(2));
        if (inner.isDisposed) fail('the inner result was disposed by the inner scope');
      });
      if (kept === undefined || kept.isDisposed) fail('a kept tensor was disposed');
      assertEqual(live(), before + 1, 'only the kept tensor is alive');
      kept.dispose();
    });
  });
}
