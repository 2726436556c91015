import fc from 'fast-check';
import type { JsonNode } from './json_node.js';
import type { FuzzLimits } from './pipeline.js';
import type { ReceiverReport } from './report.js';

/**
 * One fast-check run per generated input, against the live pipeline. A run never throws: it records what
 * went wrong and goes on, so a long run counts every failure rather than stopping (and shrinking, which
 * against a live, stateful pipeline would only muddle the totals) at the first.
 */

/** How long one case may take before it counts as a hang. */
export const CASE_TIMEOUT_MS = 10_000;

export interface RunOptions {
  readonly runs: number;
  readonly seed: number;
  readonly pool: readonly JsonNode[];
  readonly limits: FuzzLimits;
}

/**
 * Runs `check` on `o.runs` generated values. `check` records failures itself; if it throws, the harness is
 * broken, which is reported as a failure too rather than ending the run short without a word.
 */
export async function runProperty<T>(
  arb: fc.Arbitrary<T>,
  o: RunOptions,
  report: ReceiverReport,
  check: (value: T, run: number) => Promise<void>,
): Promise<void> {
  if (o.runs <= 0) return;
  let run = 0;
  const details = await fc.check(
    fc.asyncProperty(arb, async (value) => {
      await check(value, run++);
    }),
    { numRuns: o.runs, seed: o.seed, endOnFailure: true },
  );
  if (details.failed) report.failTotal(`the fuzz harness failed at run ${run - 1}: ${String(details.errorInstance)}`);
}
