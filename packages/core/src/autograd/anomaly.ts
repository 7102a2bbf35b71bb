/** Anomaly detection: backward checks every gradient for NaN and names the forward op that made it. */

/**
 * The anomaly-detection switch, read when a node is recorded (to keep the
 * forward stack) and when the engine runs one (to check for NaN).
 */
export const anomalyMode = { enabled: false };

/**
 * Runs `fn` with anomaly detection: nodes remember the stack of the forward op
 * that made them, and a backward that produces NaN throws naming that op
 * (`Function 'LogBackward0' returned nan values in its 0th output.`).
 *
 * @example
 * g.autograd.detectAnomaly(() => x.log().sum().backward());
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyMode.enabled;
  anomalyMode.enabled = true;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    anomalyMode.enabled = previous;
    throw e;
  }
  if (result instanceof Promise) return result.finally(() => (anomalyMode.enabled = previous)) as T;
  anomalyMode.enabled = previous;
  return result;
}
