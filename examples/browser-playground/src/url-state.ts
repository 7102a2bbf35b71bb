/**
 * The settings in the URL's query string (`?dataset=xor&hidden=8,8&…`): read
 * at load, rewritten (replaceState, no history entry per slider tick) on
 * every change, so the address bar is always a link to what is on screen.
 * Whatever a URL holds is checked: an unknown or out-of-range value falls
 * back to its default instead of breaking the page.
 */
import { CHOICES, DEFAULTS, LIMITS, type Settings } from './settings.js';

/**
 * The settings a query string names, defaults elsewhere. `backends` lists the
 * backends this browser can run (a WebGPU link opened without WebGPU gets the default).
 *
 * @example
 * readSettings('?dataset=xor&hidden=8,8', ['cpu', 'webgl']).hidden; // [8, 8]
 */
export function readSettings(search: string, backends: string[]): Settings {
  const q = new URLSearchParams(search);
  const s: Settings = { ...DEFAULTS, hidden: [...DEFAULTS.hidden] };
  const oneOf = <T>(key: string, choices: readonly T[], parse: (v: string) => T): T | undefined => {
    const raw = q.get(key);
    if (raw === null) return undefined;
    const v = parse(raw);
    return choices.includes(v) ? v : undefined;
  };
  const inRange = (key: string, { min, max }: { min: number; max: number }): number | undefined => {
    const v = Number(q.get(key) ?? Number.NaN);
    return Number.isFinite(v) && v >= min && v <= max ? v : undefined;
  };
  s.tab = oneOf('tab', ['boundary', 'text'] as const, (v) => v as Settings['tab']) ?? s.tab;
  s.backend = oneOf('backend', backends, String) ?? s.backend;
  s.dataset = oneOf('dataset', CHOICES.dataset, (v) => v as Settings['dataset']) ?? s.dataset;
  s.activation = oneOf('activation', CHOICES.activation, (v) => v as Settings['activation']) ?? s.activation;
  s.optimizer = oneOf('optimizer', CHOICES.optimizer, (v) => v as Settings['optimizer']) ?? s.optimizer;
  s.lr = oneOf('lr', CHOICES.lr, Number) ?? s.lr;
  s.batchSize = oneOf('batch', CHOICES.batchSize, Number) ?? s.batchSize;
  s.noise = inRange('noise', LIMITS.noise) ?? s.noise;
  s.trainRatio = inRange('train', LIMITS.trainRatio) ?? s.trainRatio;
  const seed = inRange('seed', LIMITS.seed);
  if (seed !== undefined && Number.isInteger(seed)) s.seed = seed;
  const hidden = q.get('hidden');
  if (hidden !== null) {
    // '' is a model with no hidden layer (logistic regression): a valid setting.
    const widths = hidden === '' ? [] : hidden.split(',').map(Number);
    const ok =
      widths.length <= LIMITS.layers.max && widths.every((w) => Number.isInteger(w) && w >= LIMITS.width.min && w <= LIMITS.width.max);
    if (ok) s.hidden = widths;
  }
  return s;
}

/**
 * The query string for `s` (every setting, so a link says exactly what it shows).
 *
 * @example
 * writeSettings(DEFAULTS); // '?tab=boundary&backend=cpu&dataset=spirals&…'
 */
export function writeSettings(s: Settings): string {
  const q = new URLSearchParams({
    tab: s.tab,
    backend: s.backend,
    dataset: s.dataset,
    noise: String(s.noise),
    train: String(s.trainRatio),
    hidden: s.hidden.join(','),
    activation: s.activation,
    optimizer: s.optimizer,
    lr: String(s.lr),
    batch: String(s.batchSize),
    seed: String(s.seed),
  });
  return `?${q.toString().replaceAll('%2C', ',')}`;
}

/** Puts `s` in the address bar without adding a history entry. */
export function saveToUrl(s: Settings): void {
  const next = writeSettings(s);
  if (next !== location.search) history.replaceState(null, '', `${location.pathname}${next}${location.hash}`);
}
