/**
 * The backend under test implements the Backend spec: the version core
 * expects, every storage method and required kernel, and the optional kernels
 * it has as functions (core calls them when present). The registry refuses a
 * backend that fails this; here it is stated for backend authors.
 */
import * as g from '@graft/core';
import { BACKEND_SPEC_VERSION, KERNELS, type BackendStorage, type KernelName } from '@graft/core/backend';
import { assertEqual, fail } from './assert.js';
import type { TestApi } from './index.js';

const KERNEL_NAMES = Object.keys(KERNELS) as readonly KernelName[];

/** The storage methods, every one required: a record over the spec's `BackendStorage`, so a method added there fails to compile here until listed. */
const STORAGE: { readonly [K in keyof BackendStorage]: true } = { write: true, read: true, readSync: true, dispose: true, memory: true };
const STORAGE_METHODS = Object.keys(STORAGE) as readonly (keyof BackendStorage)[];

export function specCases(t: TestApi, ctx: { device: string; inDevice<T>(fn: () => T): T }): void {
  t.describe(`conformance on '${ctx.device}': the backend implements the Backend spec (version ${BACKEND_SPEC_VERSION})`, () => {
    t.it('reports the spec version, has every storage method and required kernel, and its optional kernels are functions', () =>
      ctx.inDevice(() => {
        const backend = g.getBackend() as unknown as Record<string, unknown>;
        assertEqual(backend['specVersion'], BACKEND_SPEC_VERSION, 'specVersion');
        for (const name of [...STORAGE_METHODS, ...KERNEL_NAMES]) {
          const member = backend[name];
          const optional = (KERNEL_NAMES as readonly string[]).includes(name) && KERNELS[name as (typeof KERNEL_NAMES)[number]].optional;
          if (typeof member === 'function' || (optional && member === undefined)) continue;
          fail(
            `'${name}' is ${member === undefined ? 'missing' : `a ${typeof member}`}: the spec ${optional ? 'allows it to be absent, but not to be anything but a function' : 'requires it'}`,
          );
        }
      }),
    );
  });
}
