/**
 * The loss plot: train (solid) and test (dashed) cross-entropy against the
 * step, one colour per backend, with labelled axes, ticks and a legend that
 * gives each backend's speed. Runs on two backends with the same settings
 * start from the same seed, so their curves should lie on top of each other.
 */

/** One backend's curve: the losses measured every few steps, and its speed. */
export interface LossSeries {
  /** The backend's label, e.g. 'CPU'. */
  label: string;
  color: string;
  /** Losses measured at `step`; `test` is absent where there is no test set (the Text tab). */
  points: { step: number; train: number; test?: number }[];
  stepsPerSecond: number;
}

const MARGIN = { left: 52, right: 12, top: 12, bottom: 38 };

/**
 * Draws every series on `canvas`.
 *
 * @example
 * drawLossPlot(canvas, [{ label: 'CPU', color: '#1f6feb', points: [{ step: 5, train: 0.69, test: 0.7 }], stepsPerSecond: 120 }]);
 */
export function drawLossPlot(canvas: HTMLCanvasElement, series: LossSeries[]): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const all = series.flatMap((s) => s.points);
  const stepAxis = axis(Math.max(10, ...all.map((p) => p.step)));
  const lossAxis = axis(Math.max(0.1, ...all.flatMap((p) => [p.train, p.test ?? Number.NaN].filter(Number.isFinite))));
  const maxStep = stepAxis.end;
  const maxLoss = lossAxis.end;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const px = (step: number) => MARGIN.left + (step / maxStep) * plotW;
  const py = (loss: number) => MARGIN.top + (1 - Math.min(loss, maxLoss) / maxLoss) * plotH;

  // Grid lines and ticks.
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (const t of lossAxis.ticks) {
    ctx.strokeStyle = '#eee';
    line(ctx, MARGIN.left, py(t), MARGIN.left + plotW, py(t));
    ctx.fillStyle = '#555';
    ctx.textAlign = 'right';
    ctx.fillText(format(t), MARGIN.left - 6, py(t) + 4);
  }
  for (const t of stepAxis.ticks) {
    ctx.strokeStyle = '#eee';
    line(ctx, px(t), MARGIN.top, px(t), MARGIN.top + plotH);
    ctx.fillStyle = '#555';
    ctx.textAlign = 'center';
    ctx.fillText(format(t), px(t), MARGIN.top + plotH + 14);
  }
  ctx.strokeStyle = '#888';
  line(ctx, MARGIN.left, MARGIN.top, MARGIN.left, MARGIN.top + plotH);
  line(ctx, MARGIN.left, MARGIN.top + plotH, MARGIN.left + plotW, MARGIN.top + plotH);

  // Axis labels.
  ctx.fillStyle = '#333';
  ctx.textAlign = 'center';
  ctx.fillText('step', MARGIN.left + plotW / 2, height - 6);
  ctx.save();
  ctx.translate(13, MARGIN.top + plotH / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('loss (cross-entropy)', 0, 0);
  ctx.restore();

  // The curves: train solid, test dashed.
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    for (const [key, dash] of [
      ['train', []],
      ['test', [5, 4]],
    ] as ['train' | 'test', number[]][]) {
      const points = s.points.filter((p) => p[key] !== undefined);
      ctx.setLineDash(dash);
      ctx.beginPath();
      points.forEach((p, i) => (i === 0 ? ctx.moveTo(px(p.step), py(p[key]!)) : ctx.lineTo(px(p.step), py(p[key]!))));
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);

  // The legend, top right: a line per backend, with its last losses and speed.
  ctx.textAlign = 'left';
  const legendX = MARGIN.left + plotW - 270;
  series.forEach((s, k) => {
    const y = MARGIN.top + 14 + 16 * k;
    const last = s.points[s.points.length - 1];
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    line(ctx, legendX, y - 4, legendX + 18, y - 4);
    ctx.fillStyle = s.color;
    const test = last?.test === undefined ? '' : `, test ${last.test.toFixed(3)}`;
    const losses = last ? `train ${last.train.toFixed(3)}${test}` : 'no steps yet';
    ctx.fillText(`${s.label}: ${losses}, ${s.stepsPerSecond.toFixed(0)} steps/s`, legendX + 24, y);
  });
  if (series.some((s) => s.points.some((p) => p.test !== undefined))) {
    ctx.fillStyle = '#555';
    const y = MARGIN.top + 14 + 16 * series.length;
    ctx.fillText('solid: train, dashed: test', legendX + 24, y);
  }
}

function line(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/**
 * An axis from 0 that holds `max`: ticks every 1, 2 or 5 × 10^k (at most
 * six of them), ending at the first tick at or above `max`.
 *
 * @example
 * axis(0.73); // { end: 0.8, ticks: [0, 0.2, 0.4, 0.6, 0.8] }
 */
export function axis(max: number): { end: number; ticks: number[] } {
  const p = 10 ** Math.floor(Math.log10(max / 5));
  const step = ([1, 2, 5, 10].find((m) => m * p * 5 >= max * (1 - 1e-9)) ?? 10) * p;
  const n = Math.ceil(max / step - 1e-9);
  return { end: n * step, ticks: Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12))) };
}

function format(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}
