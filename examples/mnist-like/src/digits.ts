/**
 * A procedurally generated, MNIST-like data set: 16×16 grey images of the
 * digits 0–9 drawn as seven-segment strokes with random thickness, slant,
 * offset, scale and noise. Generated from the seeded generator, so the same
 * seed gives the same data everywhere.
 */
import * as g from '@graft/core';

export const SIZE = 16;

// Segments: a (top), b (top right), c (bottom right), d (bottom), e (bottom left), f (top left), g (middle).
const SEGMENTS: Record<number, string> = {
  0: 'abcdef',
  1: 'bc',
  2: 'abged',
  3: 'abgcd',
  4: 'fgbc',
  5: 'afgcd',
  6: 'afgedc',
  7: 'abc',
  8: 'abcdefg',
  9: 'abcdfg',
};
const LINES: Record<string, [number, number, number, number]> = {
  a: [0, 0, 1, 0],
  b: [1, 0, 1, 1],
  c: [1, 1, 1, 2],
  d: [0, 2, 1, 2],
  e: [0, 1, 0, 2],
  f: [0, 0, 0, 1],
  g: [0, 1, 1, 1],
};

/** Distance from point p to segment ab. */
function distance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  return Math.sqrt(ex * ex + ey * ey); // not Math.hypot: 10× slower in V8, and these are far from overflow
}

/** `count` images [count, 1, 16, 16] and labels [count] (int32). */
export function makeDigits(count: number): { images: g.Tensor; labels: g.Tensor } {
  const r = g.rand(count, 8).dataSync();
  const noise = g.randn(count, SIZE * SIZE).dataSync();
  const labels = g.randint(0, 10, [count]);
  const digits = labels.dataSync();
  const pixels = new Float32Array(count * SIZE * SIZE);
  for (let n = 0; n < count; n++) {
    const u = (k: number) => r[n * 8 + k]!;
    const width = 5 + 3 * u(0);
    const height = 5 + 2 * u(1);
    const x0 = 3 + 3 * u(2);
    const y0 = 1.5 + 2 * u(3);
    const slant = (u(4) - 0.5) * 0.5;
    const thickness = 0.7 + 0.8 * u(5);
    // The image's strokes, ax, ay, bx, by in pixels for each, mapped once per image (not once per pixel).
    const segments = SEGMENTS[digits[n]!]!;
    const strokes = new Float64Array(4 * segments.length);
    for (let k = 0; k < segments.length; k++) {
      const [ax, ay, bx, by] = LINES[segments[k]!]!;
      strokes.set(
        [x0 + ax * width + slant * (2 - ay) * height, y0 + ay * height, x0 + bx * width + slant * (2 - by) * height, y0 + by * height],
        4 * k,
      );
    }
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        let best = Infinity;
        for (let k = 0; k < strokes.length; k += 4) {
          best = Math.min(best, distance(x, y, strokes[k]!, strokes[k + 1]!, strokes[k + 2]!, strokes[k + 3]!));
        }
        const ink = Math.max(0, 1 - Math.max(0, best - thickness * 0.5));
        pixels[n * SIZE * SIZE + y * SIZE + x] = Math.min(1, Math.max(0, ink + 0.15 * noise[n * SIZE * SIZE + y * SIZE + x]!));
      }
    }
  }
  return { images: g.tensor(pixels, { shape: [count, 1, SIZE, SIZE] }), labels };
}

/** An image as text, for the console. */
export function asciiArt(image: Float32Array | Float64Array | Int32Array | Uint8Array): string {
  const shades = ' .:-=+*#%@';
  const rows: string[] = [];
  for (let y = 0; y < SIZE; y++) {
    let row = '';
    for (let x = 0; x < SIZE; x++) row += shades[Math.min(9, Math.floor(image[y * SIZE + x]! * 10))]!.repeat(2);
    rows.push(row);
  }
  return rows.join('\n');
}
