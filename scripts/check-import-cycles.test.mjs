/**
 * Tests of the import-cycle check (node:test, no dependencies): what counts as
 * a runtime import, and that the repository has no cycle.
 * Run: node --test scripts/
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { after, test } from 'node:test';
import { findCycles, workspacePackages } from './check-import-cycles.mjs';

const made = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A package folder with these files under src/; returns its cycles as sorted member names. */
function cyclesOf(files) {
  const dir = mkdtempSync(join(tmpdir(), 'graft-cycles-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, 'src', name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return findCycles(dir).map((c) => c.members.map((m) => relative(join(dir, 'src'), m)).sort());
}

test('a value import in each direction is a cycle', () => {
  assert.deepEqual(
    cyclesOf({ 'a.ts': "import { b } from './b.js';\nexport const a = 1;", 'b.ts': "import { a } from './a.js';\nexport const b = a;" }),
    [['a.ts', 'b.ts']],
  );
});

test('a longer cycle through a folder index is found', () => {
  const files = {
    'a.ts': "import './ops/index.js';",
    'ops/index.ts': "export * from './add.js';",
    'ops/add.ts': "export { a } from '../a.js';",
  };
  assert.deepEqual(cyclesOf(files), [['a.ts', 'ops/add.ts', 'ops/index.ts']]);
});

test('import type and export type are erased, so they make no cycle', () => {
  assert.deepEqual(cyclesOf({ 'a.ts': "import type { B } from './b.js';\nexport type A = B;", 'b.ts': "import { a } from './a.js';" }), []);
  assert.deepEqual(cyclesOf({ 'a.ts': "export type { B } from './b.js';", 'b.ts': "export * from './a.js';" }), []);
  assert.deepEqual(cyclesOf({ 'a.ts': "export type * from './b.js';", 'b.ts': "import './a.js';" }), []);
});

test('inline type specifiers still load the module (verbatimModuleSyntax emits `import {} from`)', () => {
  assert.deepEqual(cyclesOf({ 'a.ts': "import { type B } from './b.js';", 'b.ts': "import { a } from './a.js';" }), [['a.ts', 'b.ts']]);
});

test('imports in comments and dynamic import() are not edges', () => {
  const files = {
    'a.ts': "/**\n * @example\n * import { b } from './b.js';\n */\n// import './b.js';\nexport const load = () => import('./b.js');",
    'b.ts': "import { load } from './a.js';",
  };
  assert.deepEqual(cyclesOf(files), []);
});

test('multi-line and re-export forms are edges', () => {
  assert.deepEqual(cyclesOf({ 'a.ts': "import {\n  b,\n  c,\n} from './b.js';", 'b.ts': "export { a as b } from './a.js';" }), [
    ['a.ts', 'b.ts'],
  ]);
  assert.deepEqual(cyclesOf({ 'a.ts': "export * as ns from './b.js';", 'b.ts': "import * as a from './a.js'" }), [['a.ts', 'b.ts']]);
});

test('a file importing itself is a cycle', () => {
  assert.deepEqual(cyclesOf({ 'a.ts': "import './a.js';" }), [['a.ts']]);
});

test('no workspace package has a runtime import cycle', () => {
  const packages = workspacePackages();
  const names = packages.map((dir) => basename(dir));
  for (const name of ['core', 'backend-cpu', 'backend-webgl', 'nn', 'optim', 'testing']) {
    assert.ok(names.includes(name), `the published package ${name} is checked`);
  }
  for (const dir of packages) {
    const found = findCycles(dir).map((c) => c.path.map((f) => relative(dir, f)).join(' -> '));
    assert.deepEqual(found, [], `import cycles in ${basename(dir)} (run node scripts/check-import-cycles.mjs)`);
  }
});
