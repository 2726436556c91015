import { describe, expect, it } from 'vitest';
import { plainEntry } from './entries.js';
import { Harness, histogramPoints, metricsByName } from './harness.js';

/**
 * What an emission hands on stays as it was sent while kong_metrics goes on aggregating: the exporters
 * may still be encoding, queueing or retrying it.
 */
describe('kong_metrics emitted points', () => {
  it.each(['cumulative', 'delta'])('%s: a histogram point already emitted does not change with the entries that follow', async (temporality) => {
    const h = await new Harness({ temporality }).start();
    await h.consume([plainEntry()]);
    await h.tick();
    const [first] = h.metricBatches();
    const point = () => histogramPoints(metricsByName(first).get('kong.latency.total'))[0].value;
    // One entry of 40 ms: the 0.05 s bucket holds it.
    const sent = { count: 1, counts: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] };
    expect({ count: point().count, counts: point().buckets.counts }).toEqual(sent);
    await h.consume([plainEntry(), plainEntry({ latencies: { request: 5_000 } })]);
    await h.tick();
    expect(h.metricBatches()).toHaveLength(2);
    expect({ count: point().count, counts: point().buckets.counts }).toEqual(sent);
    await h.processor.shutdown();
  });
});
