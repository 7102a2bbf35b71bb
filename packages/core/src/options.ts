/**
 * Options objects (PyTorch's keyword arguments) are checked at the boundary:
 * a misspelt key is an error that names the valid ones and the closest match,
 * never a silently ignored setting (`{ ceil_mode: true }`, `{ TMax: 10 }`).
 */

/** The edit distance between two strings (insertions, deletions, substitutions). */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** `ceil_mode` → `ceilmode`, `TMax` → `tmax`: how close two spellings are, ignoring case and underscores. */
function normalized(key: string): string {
  return key.replace(/_/g, '').toLowerCase();
}

/** `learningRate` → `lr`, `weight_decay` → `wd`: the initials of a key's words (camelCase or snake_case). */
function initials(key: string): string {
  return key
    .split(/_|(?=[A-Z])/)
    .filter((word) => word !== '')
    .map((word) => word[0]!.toLowerCase())
    .join('');
}

/**
 * The valid key a misspelt one most likely meant, or undefined when none is
 * close: the same name spelt otherwise (`eta_min` → `etaMin`), else one that
 * abbreviates the key or that the key abbreviates (`learningRate` → `lr`,
 * `wd` → `weightDecay`), else the nearest by edit distance.
 */
export function closestKey(key: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of valid) {
    const d = editDistance(normalized(key), normalized(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (bestDistance === 0) return best;
  // An abbreviation is surer than a near spelling of a short key ('wd' is two edits from 'lr' too).
  const abbreviates = (long: string, short: string) => initials(long).length >= 2 && initials(long) === normalized(short);
  const abbreviation = valid.find((candidate) => abbreviates(key, candidate) || abbreviates(candidate, key));
  if (abbreviation !== undefined) return abbreviation;
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

const NO_OPTIONS: object = Object.freeze({});

/**
 * Checks an options object: `undefined` gives `{}`; anything but a plain
 * object, or a key not in `valid`, throws an error that names `op`, the
 * offending key, the valid keys and the closest match. Keys whose value is
 * `undefined` count as absent only when they are valid. Returns the options.
 *
 * @example
 * function pool(x: g.Tensor, options?: { stride?: number; ceilMode?: boolean }) {
 *   const o = g.checkOptions('maxPool2d', options, ['stride', 'ceilMode']);
 * }
 * pool(x, { ceil_mode: true });
 * // Error: maxPool2d: unknown option 'ceil_mode' (did you mean 'ceilMode'?); valid options are: stride, ceilMode
 */
export function checkOptions<T extends object>(op: string, options: T | undefined | null, valid: readonly (keyof T & string)[]): T {
  // One shared, frozen empty object when no options were given (most calls: nothing to allocate).
  if (options === undefined || options === null) return NO_OPTIONS as T;
  if (typeof options !== 'object' || Array.isArray(options) || options instanceof Map) {
    const got = Array.isArray(options) ? 'an array' : options instanceof Map ? 'a Map' : typeof options;
    throw new TypeError(`${op}: expected an options object { ${valid.join(', ')} }, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if ((valid as readonly string[]).includes(key)) continue;
    const guess = closestKey(key, valid);
    const hint = guess !== undefined ? ` (did you mean '${guess}'?)` : '';
    const list = valid.length !== 0 ? `valid options are: ${valid.join(', ')}` : 'it takes no options';
    throw new TypeError(`${op}: unknown option '${key}'${hint}; ${list}`);
  }
  return options;
}
