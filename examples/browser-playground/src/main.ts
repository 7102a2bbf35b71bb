/**
 * The browser playground: wires the settings (read from the URL, edited in
 * the form, written back to the URL), the decision-boundary tab
 * (playground.ts), the Text tab (text-tab.ts) and the memory readout, and
 * exposes `window.playground` for the Playwright test.
 */
import * as g from '@graft/core';
import { backendChoices, useBackend } from './backends.js';
import { setUpControls } from './controls.js';
import { Playground } from './playground.js';
import type { Settings } from './settings.js';
import { setUpTextTab, stopText, trainText } from './text-tab.js';
import { readSettings, saveToUrl } from './url-state.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// The WebGPU check asks for an adapter: the page waits for it (the menu and the URL's backend depend on it).
const backends = await backendChoices();
const playground = new Playground({
  boundary: $('boundary'),
  plot: $('loss-plot'),
  stats: $('stats'),
  backendInfo: $('backend-info'),
  playButton: $('play'),
});

let settings: Settings = readSettings(
  location.search,
  backends.filter((b) => b.reason === undefined).map((b) => b.entry.name),
);

/** Every edit, from the form or a tab: into the URL, then to the tab it concerns. */
async function apply(next: Settings): Promise<void> {
  const prev = settings;
  settings = next;
  saveToUrl(next);
  controls.show(next);
  showTab(next.tab);
  // A Text run belongs to one backend: switching stops it, and the boundary run moves only once it is
  // over (both set the current device; they must not interleave).
  if (prev.backend !== next.backend) await stopText();
  // The latest settings, not `next`: another edit may have come in while the Text run stopped.
  await playground.apply(settings);
}

const controls = setUpControls(backends, (next) => void apply(next));

/** Shows one tab's panel; leaving the boundary tab pauses it, leaving the Text tab stops its run (one run at a time uses the device). */
function showTab(name: Settings['tab']): void {
  for (const tab of ['boundary', 'text'] as const) {
    $(`tab-${tab}`).setAttribute('aria-selected', String(tab === name));
    $(`${tab}-panel`).hidden = tab !== name;
  }
  if (name !== 'boundary') playground.pause();
  if (name !== 'text') void stopText();
}
for (const tab of ['boundary', 'text'] as const) $(`tab-${tab}`).addEventListener('click', () => void apply({ ...settings, tab }));

$('play').addEventListener('click', () => playground.toggle());
$('step').addEventListener('click', () => void playground.step());
$('reset').addEventListener('click', () => void playground.reset());

/** The Text tab trains on the backend in the menu, loaded first. */
const textDevice = async () => {
  await useBackend(settings.backend);
  return settings.backend;
};
setUpTextTab(textDevice);

/** The corner readout: live tensors and bytes, per device. A leak shows as a count that keeps growing. */
function showMemory(): void {
  const m = g.memory();
  const devices = Object.entries(m.byDevice)
    .filter(([, d]) => d.numTensors > 0)
    .map(([name, d]) => `${name} ${d.numTensors}`)
    .join(', ');
  $('memory').textContent = `g.memory(): ${m.numTensors} tensors, ${(m.numBytes / 1024).toFixed(1)} KiB${devices ? ` (${devices})` : ''}`;
}
setInterval(showMemory, 250);

controls.show(settings);
showTab(settings.tab);
const ready = playground.apply(settings).then(showMemory);

const boundaryPixels = () => {
  const c = $<HTMLCanvasElement>('boundary');
  return c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
};
let snapshot = new Uint8ClampedArray(0);

/** The test's handle on the page. */
(window as unknown as { playground: unknown }).playground = {
  ready: () => ready,
  idle: () => playground.idle(),
  settings: () => settings,
  train: (steps: number) => playground.train(steps),
  curves: () => playground.curves(),
  steps: () => playground.stepCount(),
  dispose: () => playground.dispose(),
  liveTensors: () => g.memory().numTensors,
  memory: () => g.memory(),
  /** Keeps the boundary canvas's pixels, for `boundaryChange` to compare with later. */
  snapshotBoundary: () => {
    snapshot = boundaryPixels();
  },
  /** The fraction of the boundary canvas's pixels that differ from the snapshot. */
  boundaryChange: () => {
    const now = boundaryPixels();
    let changed = 0;
    for (let i = 0; i < now.length; i += 4) if (now.slice(i, i + 3).some((v, k) => v !== snapshot[i + k])) changed++;
    return changed / (now.length / 4);
  },
  text: {
    train: async (device: string, options: object) => {
      await useBackend(device);
      return trainText(device, options);
    },
    stop: stopText,
  },
};
