/** `pnpm seed 001` runs src/001.ts (the seed tutorials, ported line for line). */
const which = process.argv[2];
const known = ['000', '001', '002', '003', '004'];
if (which === undefined || !known.includes(which)) {
  console.error(`usage: pnpm seed <${known.join('|')}>`);
  process.exit(2);
}
await import(`./${which}.js`);
