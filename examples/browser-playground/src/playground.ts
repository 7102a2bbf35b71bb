/**
 * The decision-boundary tab's engine: holds the current settings, the
 * dataset and the run (a Trainer), and turns edits and the play / pause /
 * step / reset buttons into training, plots and redraws.
 *
 * Every change of state goes through one queue (`enqueue`), so a rebuild
 * never frees tensors a training frame is still using, and at any moment
 * at most one run holds tensors: `g.memory()` stays flat across edits.
 */
import { BACKENDS, backendEntry, describeBackend, useBackend } from './backends.js';
import { drawBoundary, gridPoints } from './boundary.js';
import { makeDataset, type Split } from './datasets.js';
import { drawLossPlot, type LossSeries } from './loss-plot.js';
import { sameRun, type Settings } from './settings.js';
import { type Evaluation, Trainer } from './trainer.js';

/** The losses are measured on the whole train and test sets every EVAL_EVERY steps (one read back from the device). */
export const EVAL_EVERY = 5;
/** The boundary is redrawn at most every DRAW_EVERY steps while playing (a forward pass of the whole grid). */
export const DRAW_EVERY = 10;
/** Points per class. */
const PER_CLASS = 200;
/** A frame trains for about this long before yielding to the page (input and painting stay smooth). */
const FRAME_MS = 30;

/** The page elements the tab draws into. */
export interface PlaygroundView {
  boundary: HTMLCanvasElement;
  plot: HTMLCanvasElement;
  stats: HTMLElement;
  backendInfo: HTMLElement;
  playButton: HTMLButtonElement;
}

export class Playground {
  private settings: Settings | undefined;
  private data: Split | undefined;
  private trainer: Trainer | undefined;
  private probabilities: Float32Array | undefined;
  private last: Evaluation | undefined;
  /** The loss curves, one per backend, of the current data and model settings. */
  private readonly series = new Map<string, LossSeries>();
  /** Milliseconds spent training (steps and evaluations) in the current run: steps/s = steps / this. */
  private trainingMs = 0;
  private stepsAtLastDraw = 0;
  private playing = false;
  /** Counts Plays, so that a frame of a paused chain does not schedule another. */
  private playChain = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly grid = gridPoints();

  constructor(private readonly view: PlaygroundView) {}

  /** Runs `task` after every task queued before it; a failure is shown on the page and does not stop later tasks. */
  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch((e: unknown) => {
      this.pause();
      this.view.stats.textContent = `error: ${(e as Error).message}`;
      console.error(e);
    });
    return run;
  }

  /** Resolves when every queued task is done. */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  /**
   * Moves to `next`: a new dataset when the data settings changed, a new run
   * (model and optimizer, on `next.backend`) when anything but the tab changed.
   * The old run's tensors are freed first.
   */
  apply(next: Settings): Promise<void> {
    return this.enqueue(async () => {
      const prev = this.settings;
      this.settings = next;
      if (prev && sameRun(prev, next) && prev.backend === next.backend && this.trainer) return;
      if (!prev || !sameRun(prev, next)) this.series.clear();
      const dataChanged =
        !prev ||
        prev.dataset !== next.dataset ||
        prev.noise !== next.noise ||
        prev.trainRatio !== next.trainRatio ||
        prev.seed !== next.seed;
      if (dataChanged || !this.data) {
        this.data = makeDataset({
          name: next.dataset,
          noise: next.noise,
          trainRatio: next.trainRatio,
          perClass: PER_CLASS,
          seed: next.seed,
        });
      }
      await this.rebuild();
    });
  }

  /** Frees the current run and starts the settings' run from step 0 on its backend. */
  private async rebuild(): Promise<void> {
    const s = this.settings!;
    this.trainer?.dispose();
    this.trainer = undefined;
    this.probabilities = undefined;
    await useBackend(s.backend);
    const info = describeBackend();
    this.view.backendInfo.textContent = `precision ${info.precision} · ${info.adapter}`;
    this.trainer = new Trainer(s.backend, this.data!, this.grid, { ...s });
    const entry = backendEntry(s.backend);
    this.series.set(s.backend, { label: entry.label, color: entry.color, points: [], stepsPerSecond: 0 });
    this.trainingMs = 0;
    await this.record();
    await this.redraw();
  }

  /** Starts the run over (same settings, step 0). */
  reset(): Promise<void> {
    this.pause();
    return this.enqueue(() => this.rebuild());
  }

  /** Trains frame after frame (each about FRAME_MS, then the page paints) until paused. */
  play(): void {
    if (this.playing) return;
    this.playing = true;
    this.view.playButton.textContent = 'Pause';
    // A frame of an earlier Play may still be queued: only this Play's chain of frames goes on.
    const chain = ++this.playChain;
    const frame = () => {
      if (!this.playing || chain !== this.playChain) return;
      void this.enqueue(async () => {
        if (!this.playing || chain !== this.playChain || !this.trainer) return;
        await this.trainFor(Number.POSITIVE_INFINITY, FRAME_MS);
        if (this.trainer.steps - this.stepsAtLastDraw >= DRAW_EVERY) await this.redraw();
        else this.drawPlot();
      }).then(() => requestAnimationFrame(frame));
    };
    frame();
  }

  pause(): void {
    this.playing = false;
    this.view.playButton.textContent = 'Play';
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Pauses and takes one step (evaluated and drawn, so each click shows its effect). */
  step(): Promise<void> {
    this.pause();
    return this.enqueue(async () => {
      await this.trainFor(1, Number.POSITIVE_INFINITY);
      if (this.trainer!.steps % EVAL_EVERY !== 0) await this.record();
      await this.redraw();
    });
  }

  /**
   * Trains `steps` steps now (paused), then redraws; resolves with the first
   * and last measured train losses of the run. The test drives the page with it.
   */
  train(steps: number): Promise<{ first: number; last: number; steps: number; stepsPerSecond: number }> {
    this.pause();
    return this.enqueue(async () => {
      await this.trainFor(steps, Number.POSITIVE_INFINITY);
      await this.redraw();
      const s = this.series.get(this.settings!.backend)!;
      return {
        first: s.points[0]!.train,
        last: s.points[s.points.length - 1]!.train,
        steps: this.trainer!.steps,
        stepsPerSecond: s.stepsPerSecond,
      };
    });
  }

  /** Frees the run (the page keeps nothing on any device afterwards). */
  dispose(): Promise<void> {
    this.pause();
    return this.enqueue(async () => {
      this.trainer?.dispose();
      this.trainer = undefined;
    });
  }

  /** Up to `steps` steps or `ms` milliseconds, whichever ends first, measuring the losses every EVAL_EVERY steps. */
  private async trainFor(steps: number, ms: number): Promise<void> {
    const trainer = this.trainer!;
    const start = performance.now();
    for (let i = 0; i < steps && performance.now() - start < ms; i++) {
      trainer.step();
      if (trainer.steps % EVAL_EVERY === 0) await this.record();
    }
    this.trainingMs += performance.now() - start;
    const s = this.series.get(trainer.device)!;
    s.stepsPerSecond = trainer.steps / (this.trainingMs / 1000);
  }

  /** Measures the losses now, adds them to the curve and shows them. */
  private async record(): Promise<void> {
    const trainer = this.trainer!;
    const e = await trainer.evaluate();
    this.last = e;
    this.series.get(trainer.device)!.points.push({ step: trainer.steps, train: e.trainLoss, test: e.testLoss });
    this.showStats();
  }

  private async redraw(): Promise<void> {
    const trainer = this.trainer!;
    this.probabilities = await trainer.predictGrid();
    this.stepsAtLastDraw = trainer.steps;
    drawBoundary(this.view.boundary, this.probabilities, this.data!);
    this.drawPlot();
    this.showStats();
  }

  private drawPlot(): void {
    // Backends in the table's order: the legend does not reorder as one switches back and forth.
    const series = BACKENDS.map((b) => this.series.get(b.name)).filter((s): s is LossSeries => s !== undefined);
    drawLossPlot(this.view.plot, series);
  }

  private showStats(): void {
    const t = this.trainer;
    const e = this.last;
    if (!t || !e) return;
    const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
    const speed = this.series.get(t.device)?.stepsPerSecond ?? 0;
    this.view.stats.textContent =
      `step ${t.steps} · train loss ${e.trainLoss.toFixed(3)} (accuracy ${pct(e.trainAccuracy)}) · ` +
      `test loss ${e.testLoss.toFixed(3)} (accuracy ${pct(e.testAccuracy)}) · ${speed.toFixed(0)} steps/s`;
  }

  /** Steps the current run has taken. */
  stepCount(): number {
    return this.trainer?.steps ?? 0;
  }

  /** The loss curves by backend (the test compares them across backends). */
  curves(): Record<string, LossSeries['points']> {
    return Object.fromEntries([...this.series].map(([name, s]) => [name, s.points]));
  }

  /** The current settings (for the test and the URL). */
  current(): Settings | undefined {
    return this.settings;
  }
}
