/**
 * The settings form: fills the menus from the tables (datasets, activations,
 * optimizers, backends), shows a `Settings` in the form, and reports each
 * edit as the whole new `Settings`. It knows nothing of training: the
 * playground decides what an edit rebuilds.
 */
import type { BackendChoice } from './backends.js';
import { DATASETS } from './datasets.js';
import { ACTIVATIONS, OPTIMIZERS } from './model.js';
import { CHOICES, LIMITS, type Settings } from './settings.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The form's handle: `show` puts settings in it (at load, and after an edit that was adjusted). */
export interface Controls {
  show(s: Settings): void;
}

/**
 * Fills and wires the form; `onChange` gets every edit as complete settings.
 *
 * @example
 * const controls = setUpControls(await backendChoices(), (next) => playground.apply(next));
 * controls.show(readSettings(location.search, names));
 */
export function setUpControls(backends: BackendChoice[], onChange: (next: Settings) => void): Controls {
  let current: Settings | undefined;
  const fill = (id: string, options: [string, string][]) => {
    $<HTMLSelectElement>(id).replaceChildren(...options.map(([value, label]) => new Option(label, value)));
  };
  // A backend this browser cannot run is listed disabled, with the reason (a WebGPU link opened without WebGPU gets the default).
  $<HTMLSelectElement>('backend').replaceChildren(
    ...backends.map(({ entry, reason }) => {
      const option = new Option(reason === undefined ? entry.label : `${entry.label} (unavailable)`, entry.name);
      option.disabled = reason !== undefined;
      if (reason !== undefined) option.title = reason;
      return option;
    }),
  );
  fill(
    'dataset',
    CHOICES.dataset.map((d) => [d, DATASETS[d].label]),
  );
  fill(
    'activation',
    CHOICES.activation.map((a) => [a, ACTIVATIONS[a].label]),
  );
  fill(
    'optimizer',
    CHOICES.optimizer.map((o) => [o, OPTIMIZERS[o].label]),
  );
  fill(
    'lr',
    CHOICES.lr.map((v) => [String(v), String(v)]),
  );
  fill(
    'batch',
    CHOICES.batchSize.map((v) => [String(v), String(v)]),
  );
  for (const [id, limits] of [
    ['noise', LIMITS.noise],
    ['train-ratio', LIMITS.trainRatio],
  ] as const) {
    const input = $<HTMLInputElement>(id);
    Object.assign(input, { min: String(limits.min), max: String(limits.max), step: String(limits.step) });
    // The number beside a slider follows it as it moves; the run is rebuilt when it is let go ('change').
    input.addEventListener('input', () => showSliderValues());
  }

  const edit = (patch: Partial<Settings>) => {
    if (!current) return;
    current = { ...current, ...patch };
    show(current);
    onChange(current);
  };
  const onEdit = (id: string, read: (el: HTMLInputElement & HTMLSelectElement) => Partial<Settings>) => {
    const el = $<HTMLInputElement & HTMLSelectElement>(id);
    el.addEventListener('change', () => edit(read(el)));
  };
  onEdit('backend', (el) => ({ backend: el.value }));
  onEdit('dataset', (el) => ({ dataset: el.value as Settings['dataset'] }));
  onEdit('noise', (el) => ({ noise: Number(el.value) }));
  onEdit('train-ratio', (el) => ({ trainRatio: Number(el.value) }));
  onEdit('seed', (el) => ({ seed: clampInt(Number(el.value), LIMITS.seed.min, LIMITS.seed.max, current?.seed ?? 1) }));
  onEdit('activation', (el) => ({ activation: el.value as Settings['activation'] }));
  onEdit('optimizer', (el) => ({ optimizer: el.value as Settings['optimizer'] }));
  onEdit('lr', (el) => ({ lr: Number(el.value) }));
  onEdit('batch', (el) => ({ batchSize: Number(el.value) }));
  $('add-layer').addEventListener('click', () => {
    const hidden = current?.hidden ?? [];
    if (hidden.length < LIMITS.layers.max) edit({ hidden: [...hidden, hidden[hidden.length - 1] ?? 8] });
  });
  $('remove-layer').addEventListener('click', () => edit({ hidden: (current?.hidden ?? []).slice(0, -1) }));

  /** One number input per hidden layer (re-made when the count changes). */
  const showLayers = (hidden: number[]) => {
    const box = $('layers');
    const inputs = Array.from(box.querySelectorAll('input'));
    if (inputs.length !== hidden.length) {
      box.replaceChildren(
        ...hidden.map((_, i) => {
          const label = document.createElement('label');
          const input = document.createElement('input');
          Object.assign(input, { type: 'number', min: String(LIMITS.width.min), max: String(LIMITS.width.max), id: `width-${i}` });
          input.addEventListener('change', () => {
            const widths = [...(current?.hidden ?? [])];
            widths[i] = clampInt(Number(input.value), LIMITS.width.min, LIMITS.width.max, widths[i] ?? 8);
            edit({ hidden: widths });
          });
          label.append(`layer ${i + 1} `, input, ' units');
          return label;
        }),
      );
      if (!hidden.length) box.textContent = 'no hidden layer: a linear classifier (logistic regression)';
    }
    Array.from(box.querySelectorAll('input')).forEach((input, i) => {
      input.value = String(hidden[i]);
    });
    $<HTMLButtonElement>('add-layer').disabled = hidden.length >= LIMITS.layers.max;
    $<HTMLButtonElement>('remove-layer').disabled = hidden.length === 0;
  };

  const showSliderValues = () => {
    $('noise-value').textContent = Number($<HTMLInputElement>('noise').value).toFixed(2);
    const ratio = Number($<HTMLInputElement>('train-ratio').value);
    $('train-ratio-value').textContent = `${Math.round(ratio * 100)}% train / ${Math.round((1 - ratio) * 100)}% test`;
  };

  const show = (s: Settings) => {
    current = s;
    const set = (id: string, value: string) => {
      $<HTMLInputElement>(id).value = value;
    };
    set('backend', s.backend);
    set('dataset', s.dataset);
    set('noise', String(s.noise));
    set('train-ratio', String(s.trainRatio));
    set('seed', String(s.seed));
    set('activation', s.activation);
    set('optimizer', s.optimizer);
    set('lr', String(s.lr));
    set('batch', String(s.batchSize));
    showLayers(s.hidden);
    showSliderValues();
  };
  return { show };
}

/** `v` rounded into [min, max], or `fallback` when it is not a number (an emptied input). */
function clampInt(v: number, min: number, max: number, fallback: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, Math.round(v))) : fallback;
}
