/**
 * The conformance suite's options table (src/options-cases.ts) calls every
 * options-taking function with a misspelt key. This test reads @graft/core's
 * public surface from its published type declarations (what `types` in its
 * package.json names) and fails when a function or Tensor method takes an
 * options object but is not in the table — so a new one cannot skip
 * validation silently.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { optionsTable } from '../src/options-cases.js';

/** @graft/core's entry declarations, found as a user's TypeScript finds them. */
function coreDeclarations(): string {
  const manifest = createRequire(import.meta.url).resolve('@graft/core/package.json');
  const { types } = JSON.parse(readFileSync(manifest, 'utf8')) as { types: string };
  return join(dirname(manifest), types);
}

/** An options object: an object type (not an array, function, class instance or tensor) whose properties are all optional. */
function isOptionsType(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.isUnion()) return type.types.some((t) => isOptionsType(t, checker));
  if (!(type.flags & ts.TypeFlags.Object)) return false;
  if (checker.isArrayType(type) || checker.isTupleType(type) || type.getCallSignatures().length !== 0) return false;
  const props = checker.getPropertiesOfType(type);
  return props.length !== 0 && props.every((p) => (p.flags & ts.SymbolFlags.Optional) !== 0);
}

function takesOptions(symbol: ts.Symbol, checker: ts.TypeChecker, at: ts.Node): boolean {
  const type = checker.getTypeOfSymbolAtLocation(symbol, at);
  return type.getCallSignatures().some((sig) =>
    sig.getParameters().some((p) => {
      let t = checker.getTypeOfSymbolAtLocation(p, at);
      // A rest parameter (`...args: (number | Options)[]`) counts through its element type.
      if (checker.isArrayType(t)) t = checker.getTypeArguments(t as ts.TypeReference)[0]!;
      return isOptionsType(checker.getNonNullableType(t), checker);
    }),
  );
}

/** Every public name (`sum`, `Tensor.sum`, `autograd.grad`, …) whose signature takes an options object. */
function optionsTakingExports(): string[] {
  const entry = coreDeclarations();
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    resolveJsonModule: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry)!;
  const found = new Set<string>();
  const visit = (moduleSymbol: ts.Symbol, prefix: string, depth: number) => {
    for (let exported of checker.getExportsOfModule(moduleSymbol)) {
      const name = prefix + exported.getName();
      if (exported.flags & ts.SymbolFlags.Alias) exported = checker.getAliasedSymbol(exported);
      if (exported.flags & ts.SymbolFlags.Module && depth < 3) {
        visit(exported, `${name}.`, depth + 1);
        continue;
      }
      if (exported.flags & ts.SymbolFlags.Class) {
        const instance = checker.getDeclaredTypeOfSymbol(exported);
        for (const member of checker.getPropertiesOfType(instance)) {
          if (member.flags & ts.SymbolFlags.Method && takesOptions(member, checker, source)) found.add(`${name}.${member.getName()}`);
        }
        continue;
      }
      if (exported.flags & ts.SymbolFlags.Function && takesOptions(exported, checker, source)) found.add(name);
    }
  };
  visit(checker.getSymbolAtLocation(source)!, '', 0);
  return [...found].sort();
}

describe('every options-taking public function is in the conformance options table', () => {
  const exported = optionsTakingExports();
  it('finds the options-taking exports (sanity)', () => {
    for (const name of ['sum', 'Tensor.sum', 'zeros', 'autograd.grad', 'setPrintOptions', 'Tensor.backward'])
      expect(exported).toContain(name);
  });
  it('each has a misspelt-key case in src/options-cases.ts', () => {
    const listed = new Set(optionsTable.map((e) => e.name));
    expect(exported.filter((n) => !listed.has(n))).toEqual([]);
  });
  it('the table lists nothing that takes no options', () => {
    const found = new Set(exported);
    expect(optionsTable.map((e) => e.name).filter((n) => !found.has(n))).toEqual([]);
  });
});
