// Everyday modules and ops, Graft's CPU backend against PyTorch (2 threads), forward + backward:
// where a PyTorch program ported line for line would be far slower in Graft. Runs graft.mjs and
// torch_ops.py on the same workloads in alternating groups of four, two passes (the machine's
// speed drifts: neighbours in time see the same machine), keeps each side's fastest, and prints
// a table sorted by the ratio Graft / PyTorch (above 1: Graft slower). docs/performance.md,
// "Everyday ops against PyTorch", has a run and what it found.
//   node bench/ops/run.mjs [name ...]        (after pnpm build; needs /usr/bin/python3 with torch)
//   BENCH_TORCH_BLAS=<dir with libblas.so.3> node bench/ops/run.mjs   (PyTorch on that BLAS, as pnpm bench)
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const python = '/usr/bin/python3';
const torchEnv = { ...process.env, ...(process.env.BENCH_TORCH_BLAS ? { LD_LIBRARY_PATH: process.env.BENCH_TORCH_BLAS } : {}) };
const listed = execFileSync(python, [
  '-c',
  `import re;print(' '.join(re.findall(r'^def w_(\\w+)', open(${JSON.stringify(join(here, 'torch_ops.py'))}).read(), re.M)))`,
])
  .toString()
  .trim()
  .split(/\s+/);
const names = process.argv.slice(2).length ? process.argv.slice(2) : listed;
const results = {};
const record = (out, side) => {
  for (const line of out.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const o = JSON.parse(line);
    const r = (results[o.name] ??= {});
    if (o.error) r[`${side}Error`] = o.error;
    else r[side] = Math.min(r[side] ?? Number.POSITIVE_INFINITY, o.ms);
  }
};
for (let pass = 0; pass < 2; pass++) {
  for (let i = 0; i < names.length; i += 4) {
    const group = names.slice(i, i + 4);
    for (const side of pass % 2 ? ['torch', 'graft'] : ['graft', 'torch']) {
      const out =
        side === 'graft'
          ? execFileSync('node', [join(here, 'graft.mjs'), ...group], { maxBuffer: 1 << 24 })
          : execFileSync(python, [join(here, 'torch_ops.py'), ...group], { maxBuffer: 1 << 24, env: torchEnv });
      record(out.toString(), side);
    }
    process.stderr.write(`pass ${pass + 1}/2: ${group.join(', ')}\n`);
  }
}
const rows = Object.entries(results)
  .map(([name, r]) => ({ name, ...r, ratio: r.graft / r.torch }))
  .sort((a, b) => (b.ratio || 0) - (a.ratio || 0));
console.log('| workload | Graft (ms) | PyTorch (ms) | Graft / PyTorch |\n|---|---|---|---|');
for (const r of rows) {
  const ms = (v) => (v === undefined ? 'fails' : v.toFixed(2));
  console.log(`| ${r.name} | ${ms(r.graft)} | ${ms(r.torch)} | ${Number.isFinite(r.ratio) ? `${r.ratio.toFixed(1)}×` : 'n/a'} |`);
  if (r.graftError) console.log(`|   Graft: ${r.graftError} | | | |`);
}
