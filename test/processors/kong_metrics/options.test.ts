import { Writable } from 'node:stream';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  type Batch,
  BackPressureError,
  type Consumer,
  hrTimeToMs,
  logBatch,
  ManualClock,
  metricBatch,
  type MetricBatch,
  SelfMetric,
} from '../../../core/index.js';
import { kongMetricsConfigSchema, kongMetricsFactory, OVERFLOW_POINTS_METRIC } from '../../../processors/kong_metrics/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { aiCall, aiEntry, plainEntry } from './entries.js';
import { DOC_BOUNDS, emitted, flush, Harness, histogramPoints, metricsByName, sumPoints, T0, total } from './harness.js';

describe('exclude_attributes', () => {
  it('removes the attributes from every instrument and merges the series they told apart', async () => {
    const entries = [
      aiEntry(aiCall(), { consumer: { username: 'alice' }, route: { name: 'r1' } }),
      aiEntry(aiCall(), { consumer: { username: 'bob' }, route: { name: 'r2' } }),
    ];
    const m = await emitted(entries, { exclude_attributes: ['kong.auth.consumer.name', 'kong.route.name'] });
    for (const metric of m.values()) {
      for (const p of metric.dataPoints) {
        expect(p.attributes).not.toHaveProperty('kong.auth.consumer.name');
        expect(p.attributes).not.toHaveProperty('kong.route.name');
      }
    }
    expect(sumPoints(m.get('http.server.request.count')).map((p) => p.value)).toEqual([2]);
    expect(histogramPoints(m.get('kong.latency.total')).map((p) => p.value.count)).toEqual([2]);
    expect(sumPoints(m.get('gen_ai.client.token.usage')).map((p) => [p.attributes['gen_ai.token.type'], p.value])).toEqual([
      ['input', 200],
      ['output', 100],
      ['total', 300],
    ]);
  });

  it('keeps them by default', async () => {
    const m = await emitted([plainEntry({ consumer: { username: 'alice' } })]);
    expect(sumPoints(m.get('http.server.request.count'))[0].attributes['kong.auth.consumer.name']).toBe('alice');
  });
});

describe('token_usage_as: histogram', () => {
  it('records input and output tokens per call in the semantic-conventions buckets, and no total', async () => {
    const entries = [aiEntry(aiCall({ usage: { prompt_tokens: 100, completion_tokens: 3 } })), aiEntry(aiCall({ usage: { prompt_tokens: 5000, completion_tokens: 64 } }))];
    const m = await emitted(entries, { token_usage_as: 'histogram' });
    const usage = m.get('gen_ai.client.token.usage');
    expect(usage?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(usage?.descriptor.unit).toBe('{token}');
    const points = histogramPoints(usage);
    expect(points.map((p) => p.attributes['gen_ai.token.type'])).toEqual(['input', 'output']);
    const [input, output] = points.map((p) => p.value);
    expect(input.buckets.boundaries).toEqual(DOC_BOUNDS.tokens);
    expect([input.count, input.sum, input.min, input.max]).toEqual([2, 5100, 100, 5000]);
    // 100 ≤ 256 (index 4), 5000 ≤ 16384 (index 7); 3 ≤ 4 (index 1), 64 ≤ 64 (index 3, upper-inclusive)
    expect(input.buckets.counts).toEqual([0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(output.buckets.counts).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('buckets', () => {
  it('replaces one instrument’s bounds and leaves the others alone', async () => {
    const entries = [plainEntry({ latencies: { request: 100, kong: 1, proxy: 90 } }), plainEntry({ latencies: { request: 2000, kong: 1, proxy: 1900 } })];
    const m = await emitted(entries, { buckets: { 'kong.latency.total': [0.1, 1] } });
    const t = histogramPoints(m.get('kong.latency.total'))[0].value;
    expect(t.buckets).toEqual({ boundaries: [0.1, 1], counts: [1, 0, 1] }); // 0.1 ≤ 0.1; 2 > 1
    expect(histogramPoints(m.get('kong.latency.upstream'))[0].value.buckets.boundaries).toEqual(DOC_BOUNDS.latency);
  });

  it('uses the documented default bounds per instrument', async () => {
    const entry = aiEntry(aiCall({ usage: { time_to_first_token: 200 }, cache: { fetch_latency: 3 } }));
    const m = await emitted([entry]);
    const bounds = (name: string) => histogramPoints(m.get(name))[0].value.buckets.boundaries;
    expect(bounds('kong.latency.total')).toEqual(DOC_BOUNDS.latency);
    expect(bounds('http.server.request.size')).toEqual(DOC_BOUNDS.size);
    expect(bounds('gen_ai.client.operation.duration')).toEqual(DOC_BOUNDS.genai);
    expect(bounds('gen_ai.server.request.duration')).toEqual(DOC_BOUNDS.genai);
    expect(bounds('gen_ai.server.time_to_first_token')).toEqual(DOC_BOUNDS.genai);
    expect(bounds('gen_ai.server.time_per_output_token')).toEqual(DOC_BOUNDS.tpot);
    expect(bounds('kong.gen_ai.cache.fetch.latency')).toEqual(DOC_BOUNDS.latency);
  });
});

describe('emission', () => {
  it('emits every interval: one ResourceMetrics with the collector resource and the kong_metrics scope', async () => {
    const h = await new Harness({ interval: '5s' }).start();
    await h.consume([plainEntry()]);
    await h.tick(4999);
    expect(h.metricBatches()).toHaveLength(0);
    await h.tick(1);
    const batches = h.metricBatches();
    expect(batches).toHaveLength(1);
    expect(batches[0].resourceMetrics).toHaveLength(1);
    const rm = batches[0].resourceMetrics[0];
    expect(rm.resource.attributes).toEqual({ 'service.name': 'kongtel', 'service.instance.id': 'test-instance' });
    expect(rm.scopeMetrics.map((s) => s.scope)).toEqual([{ name: 'kongtel/kong_metrics', version: '0.1.0' }]);
    for (const m of rm.scopeMetrics[0].metrics) expect(m.descriptor.description.length).toBeGreaterThan(10);
  });

  it('skips the emission when nothing was ever aggregated', async () => {
    const h = await new Harness().start();
    await h.tick();
    await h.tick();
    await h.processor.shutdown();
    expect(h.next.batches).toHaveLength(0);
  });

  it('cumulative: every series every time, started when the series was created', async () => {
    const h = await new Harness({ interval: '10s' }).start();
    await h.consume([plainEntry({ route: { name: 'a' } })]);
    await h.tick(); // T0 + 10 s
    h.clock.advance(3_000); // T0 + 13 s
    await h.consume([plainEntry({ route: { name: 'b' } }), plainEntry({ route: { name: 'a' } })]);
    await h.tick(7_000); // T0 + 20 s
    const [first, second] = h.metricBatches().map(metricsByName);
    const count = second.get('http.server.request.count');
    expect(count?.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    const byRoute = Object.fromEntries(
      sumPoints(count).map((p) => [p.attributes['kong.route.name'], [p.value, hrTimeToMs(p.startTime) - T0, hrTimeToMs(p.endTime) - T0]]),
    );
    expect(byRoute).toEqual({ a: [2, 0, 20_000], b: [1, 13_000, 20_000] });
    expect(sumPoints(first.get('http.server.request.count')).map((p) => [p.value, hrTimeToMs(p.endTime) - T0])).toEqual([[1, 10_000]]);
    if (count?.dataPointType === DataPointType.SUM) expect(count.isMonotonic).toBe(true);
  });

  it('delta: only the series that changed, from the previous emission, then reset', async () => {
    const h = await new Harness({ interval: '10s', temporality: 'delta' }).start();
    await h.consume([plainEntry({ route: { name: 'a' } }), plainEntry({ route: { name: 'a' } }), plainEntry({ route: { name: 'b' } })]);
    await h.tick(); // T0 + 10 s
    await h.consume([plainEntry({ route: { name: 'a' } })]);
    await h.tick(); // T0 + 20 s
    await h.tick(); // nothing changed: no emission
    expect(h.metricBatches()).toHaveLength(2);
    const [first, second] = h.metricBatches().map(metricsByName);
    const view = (m: Map<string, MetricData>) =>
      sumPoints(m.get('http.server.request.count')).map((p) => [
        p.attributes['kong.route.name'],
        p.value,
        hrTimeToMs(p.startTime) - T0,
        hrTimeToMs(p.endTime) - T0,
      ]);
    expect(first.get('http.server.request.count')?.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    expect(view(first)).toEqual([
      ['a', 2, 0, 10_000],
      ['b', 1, 0, 10_000],
    ]);
    expect(view(second)).toEqual([['a', 1, 10_000, 20_000]]);
    const latency = histogramPoints(second.get('kong.latency.total'));
    expect(latency.map((p) => [p.attributes['kong.route.name'], p.value.count, p.value.sum])).toEqual([['a', 1, 0.04]]);
  });

  it('delta: a refused emission is folded into the next one, with one warning', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(chunk.toString());
          cb();
        },
      }),
    );
    const clock = new ManualClock(T0);
    const next = new (class implements Consumer {
      refuse = true;
      readonly batches: Batch[] = [];
      async consume(batch: Batch): Promise<void> {
        if (this.refuse) throw new BackPressureError('exporter queue full');
        this.batches.push(batch);
      }
    })();
    const ctx = { ...testContext('kong_metrics', 'processor', { clock }), logger };
    const p = kongMetricsFactory.create(kongMetricsConfigSchema.parse({ temporality: 'delta' }), ctx, next);
    await p.start(runningHost);
    await p.consume(logBatch([plainEntry(), plainEntry()]));
    clock.advance(10_000);
    await flush();
    await p.consume(logBatch([plainEntry()]));
    clock.advance(10_000);
    await flush();
    next.refuse = false;
    await p.consume(logBatch([plainEntry()]));
    clock.advance(10_000);
    await flush();
    expect(next.batches).toHaveLength(1);
    const points = sumPoints(metricsByName(next.batches[0] as MetricBatch).get('http.server.request.count'));
    expect(points.map((pt) => [pt.value, hrTimeToMs(pt.startTime) - T0, hrTimeToMs(pt.endTime) - T0])).toEqual([[4, 0, 30_000]]);
    expect(lines.filter((l) => l.includes('emission refused downstream'))).toHaveLength(1);
    await p.shutdown();
  });

  it('cumulative: a refused emission loses nothing, the next one carries the totals', async () => {
    const h = await new Harness().start();
    h.next.refuse = true;
    await h.consume([plainEntry()]);
    await h.tick();
    h.next.refuse = false;
    await h.consume([plainEntry()]);
    await h.tick();
    expect(h.metricBatches()).toHaveLength(1);
    expect(total(h.last().get('http.server.request.count'))).toBe(2);
  });

  it('shutdown emits once more and stops the timer', async () => {
    const h = await new Harness({ temporality: 'delta' }).start();
    await h.consume([plainEntry()]);
    await h.tick();
    await h.consume([plainEntry(), plainEntry()]);
    h.clock.advance(4_000);
    await h.processor.shutdown();
    expect(h.metricBatches()).toHaveLength(2);
    expect(total(h.last().get('http.server.request.count'))).toBe(2);
    await h.consume([plainEntry()]);
    await h.tick();
    await h.tick();
    expect(h.metricBatches()).toHaveLength(2);
  });

  it('overlapping emissions do not interleave: the next starts after the previous one settled', async () => {
    const events: string[] = [];
    let release: () => void = () => {};
    const next: Consumer = {
      consume(batch: Batch): Promise<void> {
        const n = events.filter((e) => e.startsWith('start')).length + 1;
        events.push(`start ${n}`);
        if (n === 1) {
          return new Promise<void>((resolve) => {
            release = () => {
              events.push(`end ${n}`);
              resolve();
            };
          });
        }
        events.push(`end ${n} (${batch.signal})`);
        return Promise.resolve();
      },
    };
    const clock = new ManualClock(T0);
    const p = kongMetricsFactory.create(kongMetricsConfigSchema.parse({ temporality: 'delta' }), testContext('kong_metrics', 'processor', { clock }), next);
    await p.start(runningHost);
    await p.consume(logBatch([plainEntry()]));
    clock.advance(10_000);
    await flush();
    await p.consume(logBatch([plainEntry()]));
    clock.advance(10_000);
    await flush();
    expect(events).toEqual(['start 1']);
    release();
    await flush();
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2 (metrics)']);
    await p.shutdown();
  });

  it('passes metric batches through untouched, and their refusals back', async () => {
    const h = await new Harness().start();
    const batch = metricBatch([]);
    await h.processor.consume(batch);
    expect(h.next.batches[0]).toBe(batch);
    h.next.refuse = true;
    await expect(h.processor.consume(batch)).rejects.toBeInstanceOf(BackPressureError);
  });

  it('counts incoming entries and outgoing points in self-telemetry', async () => {
    const h = await new Harness().start();
    await h.consume([plainEntry(), plainEntry({ route: { name: 'other' } })]);
    await h.tick();
    const labels = { processor: 'kong_metrics', pipeline: 'metrics/kong' };
    expect(h.telemetry.value(SelfMetric.processorIncomingItems, labels)).toBe(2);
    // 2 series × (request count, 3 latencies, 2 sizes)
    expect(h.telemetry.value(SelfMetric.processorOutgoingItems, labels)).toBe(12);
  });
});

describe('series limits by default', () => {
  it('are 2000 series per metric (the OTel SDK default cardinality limit) and 10 000 in all', () => {
    const c = kongMetricsConfigSchema.parse({});
    expect([c.max_series_per_metric, c.max_series]).toEqual([2_000, 10_000]);
  });

  it('hold a flood of distinct hostile names to the budget, totals exact, one warning', async () => {
    const h = await new Harness().start();
    const n = 3_000;
    const entries = Array.from({ length: n }, (_, i) => plainEntry({ route: { name: `r-${i}-${'x'.repeat(250)}` }, consumer: { username: `c-${i}` } }));
    await h.consume(entries);
    await h.processor.shutdown();
    let series = 0;
    for (const [name, m] of h.last()) {
      const normal = m.dataPoints.filter((p) => p.attributes['otel.metric.overflow'] !== true);
      expect(normal.length, name).toBeLessThanOrEqual(2_000);
      expect(m.dataPoints.length - normal.length, name).toBeLessThanOrEqual(1);
      series += normal.length;
    }
    expect(series).toBe(10_000);
    expect(total(h.last().get('http.server.request.count'))).toBe(n);
    expect(histogramPoints(h.last().get('kong.latency.total')).reduce((a, p) => a + p.value.count, 0)).toBe(n);
    expect(h.logs.filter((l) => l.includes('max_series ')), h.logs.join('')).toHaveLength(1);
  });
});

describe('max_series', () => {
  it('bounds the series of all metrics together; past it new attribute sets go to each metric’s overflow series', async () => {
    const h = await new Harness({ max_series: 8 }).start();
    // A plain entry makes 6 series: 3 latencies, 2 sizes, the request count (in that order).
    await h.consume(['r1', 'r2', 'r3', 'r1', 'r2'].map((r) => plainEntry({ route: { name: r } })));
    await h.processor.shutdown();
    const routes = (name: string) =>
      h.last().get(name)?.dataPoints.map((p) => [p.attributes['kong.route.name'] ?? p.attributes['otel.metric.overflow'], (p.value as { count?: number }).count ?? p.value]);
    expect(routes('kong.latency.total')).toEqual([['r1', 2], ['r2', 2], [true, 1]]);
    expect(routes('kong.latency.internal')).toEqual([['r1', 2], ['r2', 2], [true, 1]]);
    expect(routes('kong.latency.upstream')).toEqual([['r1', 2], [true, 3]]);
    expect(routes('http.server.request.count')).toEqual([['r1', 2], [true, 3]]);
    const labels = { processor: 'kong_metrics', pipeline: 'metrics/kong' };
    expect(h.telemetry.value(SelfMetric.processorKongMetricsSeries, labels)).toBe(8);
    expect(h.telemetry.value(SelfMetric.processorKongMetricsSeriesLimit, labels)).toBe(8);
    expect(h.telemetry.value(OVERFLOW_POINTS_METRIC, { ...labels, metric: 'http.server.request.count' })).toBe(3);
    const warnings = h.logs.filter((l) => l.includes('otel.metric.overflow'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('reached max_series (8 series across all its metrics)');
  });
});

describe('max_series_per_metric', () => {
  it('sends new attribute sets past the limit to one otel.metric.overflow series, totals exact', async () => {
    const h = await new Harness({ max_series_per_metric: 2 }).start();
    const routes = ['r1', 'r2', 'r3', 'r4', 'r5', 'r1', 'r5'];
    await h.consume(routes.map((r) => plainEntry({ route: { name: r } })));
    await h.processor.shutdown();
    const count = sumPoints(h.last().get('http.server.request.count'));
    expect(count.map((p) => [p.attributes, p.value])).toEqual([
      [expect.objectContaining({ 'kong.route.name': 'r1' }), 2],
      [expect.objectContaining({ 'kong.route.name': 'r2' }), 1],
      [{ 'otel.metric.overflow': true }, 4],
    ]);
    const latency = histogramPoints(h.last().get('kong.latency.total'));
    expect(latency.map((p) => p.value.count)).toEqual([2, 1, 4]);
    expect(latency.reduce((a, p) => a + (p.value.sum ?? 0), 0)).toBeCloseTo(7 * 0.04, 12);
    const labels = { processor: 'kong_metrics', pipeline: 'metrics/kong' };
    expect(h.telemetry.value(OVERFLOW_POINTS_METRIC, { ...labels, metric: 'http.server.request.count' })).toBe(4);
    expect(h.telemetry.sum(OVERFLOW_POINTS_METRIC, labels)).toBe(4 * 6); // 6 instruments per plain entry
    const warnings = h.logs.filter((l) => l.includes('otel.metric.overflow'));
    expect(warnings).toHaveLength(6); // once per metric
    expect(warnings[0]).toContain('reached max_series_per_metric (2)');
  });
});
