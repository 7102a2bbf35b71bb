/** The lines PyTorch's schedulers print with `verbose=True`. */

/** Python's `'{:.4e}'.format(x)`: four decimals, a signed two-digit exponent (`1.0000e-01`). */
export function formatLr(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return x.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `%.5d` of an integer epoch, `%.2f` of another (PyTorch's print_lr). */
export function formatEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? `${epoch < 0 ? '-' : ''}${String(Math.abs(epoch)).padStart(5, '0')}` : epoch.toFixed(2);
}

let warnedEpoch = false;
/** PyTorch's deprecation warning for `scheduler.step(epoch)`, once per process (as Python's warnings). */
export function warnEpochDeprecated(): void {
  if (warnedEpoch) return;
  warnedEpoch = true;
  console.warn(
    'The epoch parameter in `scheduler.step()` was not necessary and is being deprecated where possible. ' +
      'Please use `scheduler.step()` to step the scheduler. During the deprecation, if epoch is different from None, ' +
      'the closed form is used instead of the new chainable form, where available.',
  );
}
