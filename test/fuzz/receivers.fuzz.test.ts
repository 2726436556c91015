import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, runFuzzSuite, summarize, type FuzzReport } from '../../bench/fuzz/engine.js';

/**
 * Hostile input against the real engine: every Kong-log receiver and the OTLP receiver on loopback, each in
 * its own pipeline (kong_metrics → a capture exporter and the real Prometheus exporter), fed generated and
 * mutated inputs at once. CI runs a fixed seed and 10 000 inputs; FUZZ_RUNS / FUZZ_SEED scale it
 * (`npm run fuzz` runs the same engine longer).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
/**
 * The whole test process, fuzz clients and servers together: a bound against unbounded growth (the
 * failures this guards against were gigabytes), not a tight budget. V8 collects lazily, so the peak
 * depends on how fast the machine runs the clients: on a quiet 2-core machine this seed peaks at
 * 644–658 MiB on the tree before issue 10 and after it alike; under load (fewer bodies in flight at
 * once) it stayed under 600, the bound this test had before, which made it fail on quiet machines only.
 */
const RSS_LIMIT_MIB = 800;

describe('hostile input across all receivers', () => {
  let report: FuzzReport;

  it(`${RUNS} generated and mutated inputs: no failure, no unhandled rejection, bounded memory`, { timeout: Math.max(300_000, RUNS * 20) }, async () => {
    report = await runFuzzSuite({ runs: RUNS, seed: SEED });
    console.log(summarize(report));
    expect(report.unhandled).toEqual([]);
    expect(report.receivers.flatMap((r) => r.failures)).toEqual([]);
    expect(report.receivers.reduce((n, r) => n + r.cases, 0)).toBe(RUNS);
    expect(report.peakRssMiB).toBeLessThan(RSS_LIMIT_MIB);
  });

  it('every counted entry that was acknowledged reaches the exporter, exactly once, per receiver', () => {
    for (const r of report.receivers) {
      if (r.receiver === 'otlp') continue;
      expect({ receiver: r.receiver, counted: r.counted }).toEqual({ receiver: r.receiver, counted: r.expected });
      // A run that counted nothing would prove nothing: the generators keep most entries intact.
      expect(r.expected).toBeGreaterThan(r.cases / 2);
    }
  });

  it('the Prometheus exporter renders the same total as the exporters were given, hostile label values and all', () => {
    expect(report.scrape).toBeDefined();
    expect(report.scrape?.total).toBe(report.scrape?.captured);
  });

  it('OTLP: points of undamaged requests all arrive, and damaged requests get 200 or 400, never 500', () => {
    const otlp = report.receivers.find((r) => r.receiver === 'otlp');
    expect(otlp).toBeDefined();
    expect(otlp?.counted).toBeGreaterThanOrEqual(otlp?.expected ?? Infinity);
    expect(Object.keys(otlp?.outcomes ?? {}).filter((k) => !['200', '400', '413', '415', 'reset'].includes(k))).toEqual([]);
  });
});
