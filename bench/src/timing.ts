/** Timing helpers shared by the Node bench (main.ts) and the browser page (browser-page.ts). */

/** The median, or NaN when any sample is NaN (a runner that failed). */
export function median(xs: number[]): number {
  if (xs.some(Number.isNaN)) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Median seconds per call after warm-up (at least two calls, and calls for
 * `warmUp` seconds: a step made of a few hundred small ops needs dozens of
 * calls before the JIT has compiled its paths): calls are batched until a
 * batch takes 20 ms, then batches are timed for at least `minTime` seconds
 * (at least 5, at most 25 of them).
 */
export function timeIt(run: () => void, minTime = 0.25, warmUp = minTime): number {
  const warmStart = performance.now();
  for (let i = 0; i < 2 || (performance.now() - warmStart) / 1000 < warmUp; i++) run();
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    const dt = (performance.now() - t0) / 1000;
    if (dt > 0.02 || reps > 1e6) break;
    reps *= 2;
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start) / 1000 < minTime) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) run();
    samples.push((performance.now() - t0) / 1000 / reps);
    if (samples.length >= 25) break;
  }
  return median(samples);
}

/** How a workload's result is reported: work/time in GFLOPS, or time per call in ms or µs. */
export type Unit = 'gflops' | 'ms' | 'us';

/** A cell of the table: the rate or time, to 3 decimals ('fails' for NaN). */
export function formatValue(v: number, unit: Unit): string {
  if (Number.isNaN(v)) return 'fails';
  return unit === 'gflops' ? v.toFixed(2) : v.toFixed(3);
}

/** Seconds per call as the unit's value. */
export function toUnit(seconds: number, unit: Unit, flops = 0, perCall = 1): number {
  return unit === 'gflops' ? flops / seconds / 1e9 : unit === 'ms' ? seconds * 1e3 : (seconds * 1e6) / perCall;
}

/** Speed ratio a/b (above 1: a is faster), whatever the unit. */
export function speedRatio(a: number, b: number, unit: Unit): number {
  return unit === 'gflops' ? a / b : b / a;
}

/** A markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Whether a workload named `name` is selected by BENCH_ONLY's value (comma-separated parts of names; all when undefined). */
export function selectedBy(only: string | undefined, name: string, id?: string): boolean {
  if (only === undefined) return true;
  return only
    .split(',')
    .map((p) => p.trim())
    .some((p) => p !== '' && (name.includes(p) || p === id));
}
