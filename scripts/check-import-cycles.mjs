#!/usr/bin/env node
/**
 * Fails when the source files of any workspace package import each other in a
 * cycle at runtime. The layers of a package must point one way (DESIGN.md:
 * "no import cycles"); a cycle makes module evaluation order matter, so a
 * class or const can be read before it is initialised depending on which file
 * a user (or a bundler) happens to load first.
 *
 * What counts as a runtime import is what `tsc` emits under the repository's
 * `verbatimModuleSyntax`: `import type …` and `export type … from` are erased;
 * every other `import … from`, `export … from` and bare `import '…'` stays —
 * including `import { type A } from './a.js'`, which is emitted as
 * `import {} from './a.js'` and still loads `a.js`. Dynamic `import()` does
 * not run at load time and is not an edge. Only relative imports are followed
 * (packages import each other through their built entries, and pnpm's
 * workspace graph already rejects cycles between packages).
 *
 * Usage: node scripts/check-import-cycles.mjs [package dirs…]
 * (no arguments: every package of pnpm-workspace.yaml).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', 'coverage']);

/** The package folders named by pnpm-workspace.yaml (`dir/*` globs and plain folders). */
export function workspacePackages() {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s*-\s*['"]?([^'"\n]+?)['"]?\s*$/gm)].map((m) => m[1]);
  const dirs = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = join(root, glob.slice(0, -2));
      if (!existsSync(parent)) continue;
      for (const name of readdirSync(parent)) {
        const dir = join(parent, name);
        if (existsSync(join(dir, 'package.json'))) dirs.push(dir);
      }
    } else if (existsSync(join(root, glob, 'package.json'))) dirs.push(join(root, glob));
  }
  return dirs;
}

/** Every source file under `dir` (declaration files and build output left out). */
function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (SOURCE.test(name) && !/\.d\.[cm]?ts$/.test(name)) out.push(path);
  }
  return out;
}

/**
 * The text with comments blanked and string/template contents kept (import
 * specifiers are strings), so that an `import` inside a doc comment's
 * `@example` is not taken for a real one.
 */
function stripComments(text) {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The specifiers of the runtime imports and re-exports of one file. */
function runtimeImports(text) {
  const code = stripComments(text);
  const specs = [];
  // `import … from 'x'`, `import 'x'`, `export … from 'x'` at the start of a statement.
  const statement = /(?:^|[;}\n])\s*(import|export)\s*(?:([^;'"`(]*?)\s*\bfrom\s*)?(['"])([^'"\n]+)\3/g;
  for (const [, keyword, clause, , spec] of code.matchAll(statement)) {
    if (keyword === 'export' && clause === undefined) continue; // not a re-export
    if (clause !== undefined && /^type\b/.test(clause) && !/^type\s*(?:,|$)/.test(clause)) continue; // erased by tsc
    specs.push(spec);
  }
  return specs;
}

/** The file a relative specifier names (`./a.js` is `./a.ts` in the sources), or undefined. */
function resolveSpecifier(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.[cm]?js$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.mts`, `${stem}.cts`, `${stem}.tsx`, join(base, 'index.ts'), join(base, 'index.js')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The import cycles (strongly connected components, each as one closed path) of a graph. */
function cycles(graph) {
  let index = 0;
  const indices = new Map();
  const lowlink = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  // Tarjan's algorithm, iterative (a deep import chain must not overflow the stack).
  for (const start of graph.keys()) {
    if (indices.has(start)) continue;
    const work = [[start, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      if (i === 0) {
        indices.set(node, index);
        lowlink.set(node, index);
        index++;
        stack.push(node);
        onStack.add(node);
      }
      const edges = graph.get(node) ?? [];
      if (i < edges.length) {
        frame[1]++;
        const next = edges[i];
        if (!indices.has(next)) work.push([next, 0]);
        else if (onStack.has(next)) lowlink.set(node, Math.min(lowlink.get(node), indices.get(next)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        lowlink.set(parent, Math.min(lowlink.get(parent), lowlink.get(node)));
      }
      if (lowlink.get(node) === indices.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        const selfLoop = (graph.get(node) ?? []).includes(node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => closedPath(graph, new Set(component)));
}

/** One shortest cycle through the first member of a component, for the report. */
function closedPath(graph, members) {
  const first = [...members].sort()[0];
  const previous = new Map([[first, null]]);
  const queue = [first];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (!members.has(next)) continue;
      if (next === first) {
        const path = [first];
        for (let n = node; n !== first; n = previous.get(n)) path.splice(1, 0, n);
        return { members: [...members], path: [...path, first] };
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return { members: [...members], path: [first, first] };
}

/**
 * The runtime import cycles among the source files of the package in
 * `packageDir`, each with its member files and one closed path through them.
 */
export function findCycles(packageDir) {
  const files = sourceFiles(packageDir);
  const graph = new Map();
  for (const file of files) {
    const targets = runtimeImports(readFileSync(file, 'utf8'))
      .map((spec) => resolveSpecifier(file, spec))
      .filter((t) => t !== undefined && SOURCE.test(t));
    graph.set(file, [...new Set(targets)]);
  }
  return cycles(graph);
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : workspacePackages();
  let failed = 0;
  for (const dir of dirs) {
    for (const { members, path } of findCycles(dir)) {
      failed++;
      const show = (f) => relative(root, f);
      console.error(`import cycle in ${relative(root, dir)}: ${path.map(show).join(' -> ')}`);
      if (members.length > path.length - 1)
        console.error(`  (one of ${members.length} files importing each other: ${members.map(show).sort().join(', ')})`);
    }
  }
  if (failed > 0) {
    console.error(`\n${failed} runtime import cycle(s). Point the imports one way (see DESIGN.md, "The layers"); 'import type' is free.`);
    process.exit(1);
  }
  console.log(`no runtime import cycles in ${dirs.length} packages`);
}
