/**
 * The method forms of the ops (`x.add(y)`, `x.sum(1)`, `x.T`, …), installed on
 * `Tensor.prototype` — tfjs's chained-ops pattern. tensor.ts sits below the
 * ops (every op makes Tensors), so it cannot import them; this module sits
 * above both, declares the methods on the Tensor type by declaration merging
 * and defines them on the prototype when it is loaded.
 *
 * They are side effects: `@graft/core`'s entry point (index.ts) imports this
 * module (the other entry, `@graft/core/backend`, makes no tensors), so a
 * Tensor always has its methods — core's own backward rules call them too —
 * and `package.json` lists these modules in `sideEffects` so bundlers keep
 * them. index.js is listed too: Vite 8 (Rolldown) drops the bare
 * `import './methods/index.js'` of a module it believes side-effect free,
 * whatever the imported module says (the browser playground's test caught it).
 * Each method is a one-line call of its `g.` function. One file per family of
 * ops, each declaring its methods (with their doc comments) and installing
 * them: a new family adds a file here and a line below.
 */
import './conversion.js';
import './arithmetic.js';
import './math.js';
import './binary-math.js';
import './comparison.js';
import './reductions.js';
import './linalg.js';
import './contractions.js';
import './decompositions.js';
import './shape.js';
import './indexing.js';
import './scatter.js';
import './construction.js';
import './cumulative.js';
import './advanced-indexing.js';
import './inplace.js';
import './inplace-math.js';
import './random.js';
import './sorting.js';
import './shorthands.js';
