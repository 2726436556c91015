/**
 * Waiting for what a test cannot await directly. `until` polls a synchronous condition (in-process
 * state: counters, received batches); `waitFor` polls an async probe that may throw meanwhile (a
 * process still starting, a port not yet open) and hands back what the probe found.
 */

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `probe()` is true; rejects naming `what` after `timeoutMs`. Polls every 5 ms. */
export async function until(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Resolves with the first value `probe` gives that is not undefined; a throw counts as "not yet". */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      lastError = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
}

/** `p`, or a rejection naming `what` once `ms` pass: a hang fails the test instead of stalling it. */
export function within<T>(p: Promise<T>, ms: number, what: string, says = `did not finish within ${ms} ms`): Promise<T> {
  const deadline = new Promise<T>((_, reject) => {
    setTimeout(() => reject(new Error(`${what} ${says}`)), ms).unref();
  });
  return Promise.race([p, deadline]);
}
