/** A terminal progress bar for the training examples: step, loss and speed. */

export class ProgressBar {
  private readonly start = performance.now();
  private lastDraw = 0;
  private readonly tty = Boolean(process.stdout.isTTY);

  constructor(
    private readonly total: number,
    private readonly label = 'train',
    private readonly width = 28,
  ) {}

  /** Redraws the bar (at most ~10 times a second; every 10% when not a terminal). */
  update(step: number, fields: Record<string, string>): void {
    const now = performance.now();
    const done = step >= this.total;
    const tenth = Math.max(1, Math.floor(this.total / 10));
    if (this.tty ? !done && now - this.lastDraw < 100 : !done && step % tenth !== 0) return;
    this.lastDraw = now;
    const frac = Math.min(step / this.total, 1);
    const filled = Math.round(frac * this.width);
    const seconds = (now - this.start) / 1000;
    const rate = step / Math.max(seconds, 1e-9);
    const extra = Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join('  ');
    const line = `${this.label} [${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${step}/${this.total}  ${extra}  ${rate.toFixed(1)} it/s  ${seconds.toFixed(1)}s`;
    if (this.tty) process.stdout.write(`\r${line}${done ? '\n' : ''}`);
    else console.log(line);
  }
}
