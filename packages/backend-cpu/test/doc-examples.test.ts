/**
 * The `@example` blocks of issue 12's families (indexing, random, sorting and
 * searching, construction and scatter, einsum and contractions, `g.linalg`)
 * run as written against the built @graft/core, and a line that ends in
 * a comment showing `tensor(...)` prints that tensor. Read from core's emitted declarations
 * (the doc comments TypeDoc publishes); run with `g` in scope, as the
 * examples assume.
 */
import * as g from '@graft/core';
import '../src/index.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const coreDist = dirname(createRequire(import.meta.url).resolve('@graft/core'));

/** Core's declaration files of the families (methods and ops), relative to dist/. */
const FILES = [
  'random.d.ts',
  ...['advanced-indexing', 'construction', 'contractions', 'cumulative', 'decompositions', 'indexing', 'linalg'].map(
    (f) => `methods/${f}.d.ts`,
  ),
  ...['random', 'scatter', 'sorting', 'shorthands'].map((f) => `methods/${f}.d.ts`),
  ...[
    'addmm',
    'advanced-indexing',
    'construction',
    'contractions',
    'counting',
    'cumulative',
    'differences',
    'nan-reductions',
    'stacking',
    'einsum',
    'masked',
    'multinomial',
    'nonzero',
    'random-creation',
    'random-inplace',
    'random-sampling',
    'rng-state',
    'scatter',
    'searching',
    'sorting',
    'take',
    'where',
  ].map((f) => `ops/${f}.d.ts`),
  ...['cholesky', 'det', 'eigh', 'legacy', 'lstsq', 'matrix-functions', 'norms', 'pinv', 'products', 'qr', 'solve', 'svd'].map(
    (f) => `ops/linalg/${f}.d.ts`,
  ),
];

interface Example {
  where: string;
  code: string;
}

/** Each doc comment's example, named by the declaration that follows it. */
function examples(file: string): Example[] {
  const text = readFileSync(join(coreDist, file), 'utf8');
  const out: Example[] = [];
  for (const m of text.matchAll(
    /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:export\s+)?(?:declare\s+)?(?:function\s+|class\s+|const\s+)?([\w$]+)/g,
  )) {
    const [, doc, name] = m as unknown as [string, string, string];
    const body = doc.split('@example')[1];
    if (body === undefined) continue;
    const code = body
      .split(/\n\s*\*\s*@\w+/)[0]!
      .split('\n')
      .map((line) => line.replace(/^\s*\* ?/, ''))
      .filter((line) => !line.startsWith('import '))
      .join('\n')
      .trim();
    out.push({ where: `${file}: ${name}`, code });
  }
  return out;
}

function closingParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === '(' || s[i] === '[') depth++;
    else if (s[i] === ')' || s[i] === ']') if (--depth === 0) return i;
  }
  return s.length - 1;
}

/** `expr; // … tensor(...)` → a check that expr prints that tensor (spacing aside). */
function withChecks(code: string): string {
  return code
    .split('\n')
    .map((line) => {
      const m = line.match(/^(.*?);?\s*\/\/\s*(.*)$/);
      const at = m ? m[2]!.indexOf('tensor(') : -1;
      // `// x[1, ::2]: tensor(...)` names what it shows; `// x[:, 0] = tensor(...)` is an assignment, not a value.
      if (!m || at < 0 || m[2]!.slice(0, at).includes('=') || !m[1]!.trim()) return line;
      // `[tensor(...), tensor(...)]` shows an array of tensors.
      const start = m[2]![at - 1] === '[' ? at - 1 : at;
      const expected = m[2]!.slice(start, closingParen(m[2]!, start === at ? at + 6 : start) + 1);
      const statements = m[1]!.split(';');
      const last = statements.pop()!;
      if (/^\s*(const|let)\s|=[^=>]/.test(last)) return line;
      return `${statements.map((s) => `${s};`).join('')} __check(${last}, ${JSON.stringify(expected)});`;
    })
    .join('\n');
}

let checkedValues = 0;
const squash = (s: string) => s.replace(/\s+/g, '').replace(/,dtype=\w+/, '');

describe("issue 12's doc examples run and print what they say", () => {
  const all = FILES.flatMap(examples);

  it('finds the examples', () => {
    expect(all.length).toBeGreaterThan(150);
  });

  it.each(all.map((e) => [e.where, e.code]))('%s', (_where, code) => {
    const printed: [string, string][] = [];
    const check = (value: unknown, expected: string) =>
      printed.push([squash(Array.isArray(value) ? `[${value.map(String).join(',')}]` : String(value)), squash(expected)]);
    // Examples log and PyTorch's deprecations warn: keep the output quiet.
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      new Function('g', '__check', withChecks(code))(g, check);
    } finally {
      log.mockRestore();
      warn.mockRestore();
    }
    for (const [got, expected] of printed) expect(got).toBe(expected);
    checkedValues += printed.length;
  });

  it('compared many printed values (runs after the examples)', () => {
    expect(checkedValues).toBeGreaterThan(80);
  });
});
