/**
 * Lists that pick PyTorch fixture cases by name fail loudly on a name no case
 * has (a case renamed or removed in scripts/fixtures/ must not silently drop
 * out of a check), and every case has a unique name.
 */
import { describe, expect, it } from 'vitest';
import { FORWARD_CASES, SECOND_ORDER_CASES } from '../src/autograd-cases.js';
import { allOpCases, casesNamed, doubleBackwardCases, opCases, printingCases, randomCases } from '../src/fixtures.js';
import { runConformanceSuite } from '../src/index.js';
import { checkSkipList } from '../src/op-runner.js';

const silent = { describe: () => {}, it: () => {} };

describe('casesNamed', () => {
  it('returns the named cases in the order of the list', () => {
    expect(casesNamed('t', ['mm', 'exp'], opCases).map((c) => c.name)).toEqual(['mm', 'exp']);
  });
  it('throws for a name no case has, naming the list and every unknown name', () => {
    expect(() => casesNamed('gradgradcheck', ['exp', 'exp_renamed', 'mm', 'gone'], opCases)).toThrow(
      'gradgradcheck: no fixture case is called "exp_renamed", "gone"',
    );
  });
  it('resolves the gradgradcheck and forward-mode lists of the conformance suite', () => {
    expect(casesNamed('SECOND_ORDER_CASES', SECOND_ORDER_CASES, allOpCases)).toHaveLength(SECOND_ORDER_CASES.length);
    expect(casesNamed('FORWARD_CASES', FORWARD_CASES, allOpCases)).toHaveLength(FORWARD_CASES.length);
  });
});

describe("a backend's skip list", () => {
  it('may name ops and cases of ops.json and semantics.json', () => {
    expect(() => checkSkipList({ matmul: 'r', div_floor_specials_float32: 'r', isfinite: 'r', exp_0d: 'r' })).not.toThrow();
  });
  it('throws for an entry that names nothing, before any test is registered', () => {
    expect(() => checkSkipList({ matmul: 'r', div_flor_specials_float32: 'r' })).toThrow(
      'runConformanceSuite: options.skip names "div_flor_specials_float32", which is neither an op nor a case',
    );
    expect(() => runConformanceSuite(silent, { device: 'cpu', skip: { no_such_case: 'stale' } })).toThrow('"no_such_case"');
  });
});

describe('fixture case names', () => {
  const unique = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);
  it('are unique in each family, and across every file of op cases (one namespace for skips)', () => {
    expect(unique(allOpCases.map((c) => c.name))).toEqual([]);
    expect(unique(doubleBackwardCases.map((c) => c.name))).toEqual([]);
    expect(unique(printingCases.map((c) => c.name))).toEqual([]);
    expect(unique(randomCases.map((c) => c.name))).toEqual([]);
    expect(printingCases.every((c) => typeof c.name === 'string' && c.name !== '')).toBe(true);
    expect(randomCases.every((c) => typeof c.name === 'string' && c.name !== '')).toBe(true);
  });
});
