import { describe, expect, it } from 'vitest';
import { runSoak, type SoakResult } from '../../bench/soak.js';
import { startKongtel } from '../support/processes.js';

/**
 * The memory soak in CI (bench/soak.ts has the why of every setting; `benchSoak` runs it for five
 * minutes): the real CLI with kong_http_log → memory_limiter (limit_mib 200, spike_limit_mib 60: soft limit 140) →
 * kong_metrics → otlphttp, its in-memory queue in front of a backend that takes half the offered
 * entries per second (so the load is twice the sustainable rate), and a Kong-like sender (8 senders,
 * batches of 100) that retries every 503 after its Retry-After.
 */
describe('memory soak', () => {
  it('keeps RSS under limit_mib at twice the sustainable rate, refuses and recovers, and loses no acknowledged entry', async () => {
    const r: SoakResult = await runSoak({ start: startKongtel, durationMs: 22_000, limitMib: 200, spikeLimitMib: 60 });
    const summary = JSON.stringify(r, null, 2);
    // Preconditions: a load kongtel takes without a backlog fits under the soft limit, and the backend
    // really drains less than is offered.
    expect(r.calibrationRssMib, summary).toBeLessThan(r.softLimitMib);
    expect(r.drainedEntriesPerSecond, summary).toBeLessThan(r.offeredEntriesPerSecond * 0.75);
    expect(r.errors, summary).toBe(0);
    // The limiter engaged, and let data in again once the queue had drained below the soft limit —
    // during the overload, and once the load stopped and the backend caught up.
    expect(r.refusedRequests, summary).toBeGreaterThan(0);
    expect(r.recoveries, summary).toBeGreaterThan(0);
    expect(r.acceptedAgainAfterMs, summary).toBeDefined();
    // The kernel's high-water mark of resident memory, not a sample: no allowance needed above limit_mib.
    expect(r.peakRssMib, summary).toBeLessThan(r.limitMib);
    // Every acknowledged entry reached the backend exactly once; nothing else did.
    expect(r.ackedEntries, summary).toBeGreaterThan(0);
    expect(r.backendEntries, summary).toBe(r.ackedEntries);
    expect(r.backendEntriesSettled, summary).toBe(r.ackedEntries);
  }, 120_000);
});
