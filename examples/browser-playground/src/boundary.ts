/**
 * The decision boundary: the model's P(class 1) over a grid of the plane,
 * painted as a heat map (orange for class 0, blue for class 1, white where
 * the model is unsure), with the data on top: training points filled,
 * test points outlined. Plain Canvas 2D; the numbers come from the trainer.
 */
import type { Points } from './datasets.js';

/** The square of the plane shown, [-EXTENT, EXTENT]² (the datasets lie in about [-1, 1]², plus noise). */
export const EXTENT = 1.4;
/** Grid points per side: the heat map is RESOLUTION² predictions, one batched forward pass. */
export const RESOLUTION = 64;

const CLASS_RGB: [number, number, number][] = [
  [245, 147, 34], // class 0: orange
  [8, 119, 189], // class 1: blue
];

/**
 * The grid's points, row-major [RESOLUTION², 2], the first row at the top
 * (largest y), each at the centre of its cell.
 *
 * @example
 * const grid = gridPoints(); // grid.length === 2 * RESOLUTION ** 2
 */
export function gridPoints(): Float32Array {
  const out = new Float32Array(2 * RESOLUTION * RESOLUTION);
  for (let r = 0; r < RESOLUTION; r++) {
    for (let c = 0; c < RESOLUTION; c++) {
      const i = r * RESOLUTION + c;
      out[2 * i] = toPlane((c + 0.5) / RESOLUTION);
      out[2 * i + 1] = -toPlane((r + 0.5) / RESOLUTION);
    }
  }
  return out;
}

/** [0, 1] across the view → plane coordinate. */
const toPlane = (f: number) => (2 * f - 1) * EXTENT;

/**
 * Paints the heat map of `probabilities` (RESOLUTION², or undefined before the
 * first prediction) and the points on `canvas`.
 *
 * @example
 * drawBoundary(canvas, await trainer.predictGrid(), split);
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  probabilities: Float32Array | undefined,
  data: { train: Points; test: Points },
): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  if (probabilities) {
    // Paint one pixel per grid point on a small canvas, then scale it up smoothed: a soft map, not blocks.
    const cells = new OffscreenCanvas(RESOLUTION, RESOLUTION);
    const cellCtx = cells.getContext('2d')!;
    const image = cellCtx.createImageData(RESOLUTION, RESOLUTION);
    probabilities.forEach((p, i) => image.data.set([...heat(p), 255], 4 * i));
    cellCtx.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(cells, 0, 0, width, height);
  }
  const toCanvas = (x: number, y: number): [number, number] => [((x / EXTENT + 1) / 2) * width, ((1 - y / EXTENT) / 2) * height];
  const points = (p: Points, filled: boolean) => {
    for (let i = 0; i < p.y.length; i++) {
      const [cx, cy] = toCanvas(p.x[2 * i]!, p.x[2 * i + 1]!);
      const rgb = `rgb(${CLASS_RGB[p.y[i]!]!.join(',')})`;
      ctx.beginPath();
      ctx.arc(cx, cy, 3.5, 0, 2 * Math.PI);
      if (filled) {
        ctx.fillStyle = rgb;
        ctx.fill();
        ctx.strokeStyle = '#fff';
        ctx.lineWidth = 1;
        ctx.stroke();
      } else {
        // A class-coloured ring inside a dark one: visible on either class's colour of the map.
        ctx.strokeStyle = 'rgba(0, 0, 0, 0.55)';
        ctx.lineWidth = 2.6;
        ctx.stroke();
        ctx.strokeStyle = rgb;
        ctx.lineWidth = 1.3;
        ctx.stroke();
      }
    }
  };
  points(data.train, true);
  points(data.test, false);
  drawAxes(ctx, width, height);
}

/** The colour of probability p: class 0's colour at 0, white at 0.5, class 1's at 1, paler than the points. */
function heat(p: number): [number, number, number] {
  const [rgb, w] = p < 0.5 ? [CLASS_RGB[0]!, (0.5 - p) * 2] : [CLASS_RGB[1]!, (p - 0.5) * 2];
  const strength = 0.65 * w;
  return rgb.map((c) => Math.round(255 + (c - 255) * strength)) as [number, number, number];
}

/** Ticks at -1, 0 and 1 on the bottom and left edges: the plane's scale, without hiding the map. */
function drawAxes(ctx: CanvasRenderingContext2D, width: number, height: number): void {
  ctx.fillStyle = '#333';
  ctx.strokeStyle = '#333';
  ctx.lineWidth = 1;
  ctx.font = '10px system-ui, sans-serif';
  for (const v of [-1, 0, 1]) {
    const x = ((v / EXTENT + 1) / 2) * width;
    const y = ((1 - v / EXTENT) / 2) * height;
    ctx.beginPath();
    ctx.moveTo(x, height);
    ctx.lineTo(x, height - 5);
    ctx.moveTo(0, y);
    ctx.lineTo(5, y);
    ctx.stroke();
    ctx.textAlign = 'center';
    ctx.fillText(String(v), x, height - 7);
    ctx.textAlign = 'left';
    ctx.fillText(String(v), 7, y + 3);
  }
}
