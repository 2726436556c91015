import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { PermanentError, SelfMetric, logBatch, metricBatch } from '../../../core/index.js';
import {
  KONGTEL_RESOURCE,
  T0,
  batchOf,
  exponentialHistogram,
  gauge,
  harness,
  histogram,
  hv,
  sampleValue,
  samples,
  sum,
} from './builders.js';

const PLAIN = { without_scope_info: true, without_target_info: true };
const ID = 'job="kongtel",instance="pod-1"';

describe('delta input is accumulated into cumulative series', () => {
  it('sums: values add up per attribute set over several consumes', async () => {
    const { exporter } = harness(PLAIN);
    const deltas: [number, number][] = [
      [5, 1],
      [3, 0],
      [2.5, 4],
    ];
    for (const [i, [get, post]] of deltas.entries()) {
      await exporter.consume(
        batchOf(
          sum(
            'http.server.request.count',
            '{request}',
            [
              { attrs: { 'http.request.method': 'GET' }, value: get, at: T0 + i * 10_000 },
              { attrs: { 'http.request.method': 'POST' }, value: post, at: T0 + i * 10_000 },
            ],
            { temporality: 'delta' },
          ),
        ),
      );
    }
    const text = exporter.scrape();
    expect(sampleValue(text, `http_server_request_count_total{http_request_method="GET",${ID}}`)).toBe(10.5);
    expect(sampleValue(text, `http_server_request_count_total{http_request_method="POST",${ID}}`)).toBe(5);
  });

  it('histograms: bucket counts, sums and counts add up, buckets rendered cumulative with +Inf', async () => {
    const { exporter } = harness(PLAIN);
    const bounds = [0.1, 1];
    const rounds = [hv(bounds, [1, 2, 0], 1.25), hv(bounds, [0, 1, 1], 3.5), hv(bounds, [3, 0, 0], 0.15)];
    for (const [i, value] of rounds.entries()) {
      await exporter.consume(batchOf(histogram('kong.latency.total', 's', [{ value, at: T0 + i * 10_000 }], { temporality: 'delta' })));
    }
    expect(samples(exporter.scrape())).toEqual([
      `kong_latency_total_seconds_bucket{${ID},le="0.1"} 4`,
      `kong_latency_total_seconds_bucket{${ID},le="1"} 7`,
      `kong_latency_total_seconds_bucket{${ID},le="+Inf"} 8`,
      `kong_latency_total_seconds_sum{${ID}} 4.9`,
      `kong_latency_total_seconds_count{${ID}} 8`,
    ]);
  });

  it('a delta histogram whose bucket layout changes starts over from that point', async () => {
    const { exporter } = harness(PLAIN);
    await exporter.consume(batchOf(histogram('h', 's', [{ value: hv([1, 2], [5, 5, 5], 20) }], { temporality: 'delta' })));
    await exporter.consume(batchOf(histogram('h', 's', [{ value: hv([1, 2], [1, 0, 0], 0.5), at: T0 + 1 }], { temporality: 'delta' })));
    await exporter.consume(batchOf(histogram('h', 's', [{ value: hv([1, 5], [0, 2, 0], 6), at: T0 + 2 }], { temporality: 'delta' })));
    expect(samples(exporter.scrape())).toEqual([
      `h_seconds_bucket{${ID},le="1"} 0`,
      `h_seconds_bucket{${ID},le="5"} 2`,
      `h_seconds_bucket{${ID},le="+Inf"} 2`,
      `h_seconds_sum{${ID}} 6`,
      `h_seconds_count{${ID}} 2`,
    ]);
    await exporter.consume(batchOf(histogram('h', 's', [{ value: hv([1, 5], [1, 0, 1], 10.5), at: T0 + 3 }], { temporality: 'delta' })));
    expect(sampleValue(exporter.scrape(), `h_seconds_count{${ID}}`)).toBe(4);
  });

  it('a delta up-down sum is accumulated and shown as a gauge', async () => {
    const { exporter } = harness(PLAIN);
    for (const v of [5, -2, 1]) {
      await exporter.consume(batchOf(sum('kong.connections', '{connection}', [{ value: v }], { temporality: 'delta', monotonic: false })));
    }
    const text = exporter.scrape();
    expect(text).toContain('# TYPE kong_connections gauge');
    expect(sampleValue(text, `kong_connections{${ID}}`)).toBe(4);
  });
});

describe('cumulative input replaces the last value', () => {
  it('sums, gauges and histograms show the newest point, including a source reset', async () => {
    const { exporter } = harness(PLAIN);
    const rounds: [number, number, number[]][] = [
      [10, 0.5, [1, 1, 0]],
      [15, 0.75, [2, 3, 1]],
      [4, 0.25, [0, 1, 0]], // the source restarted
    ];
    for (const [i, [count, ratio, buckets]] of rounds.entries()) {
      await exporter.consume(
        batchOf(
          sum('requests', '{request}', [{ value: count, at: T0 + i * 1000 }]),
          gauge('pool.usage', '1', [{ value: ratio, at: T0 + i * 1000 }]),
          histogram('size', 'By', [{ value: hv([100, 1000], buckets, 10 * (i + 1)), at: T0 + i * 1000 }]),
        ),
      );
      const text = exporter.scrape();
      expect(sampleValue(text, `requests_total{${ID}}`)).toBe(count);
      expect(sampleValue(text, `pool_usage_ratio{${ID}}`)).toBe(ratio);
      expect(sampleValue(text, `size_bytes_count{${ID}}`)).toBe(buckets.reduce((a, b) => a + b, 0));
      expect(sampleValue(text, `size_bytes_bucket{${ID},le="1000"}`)).toBe(buckets[0] + buckets[1]);
      expect(sampleValue(text, `size_bytes_sum{${ID}}`)).toBe(10 * (i + 1));
    }
  });

  it('a cumulative point older than the stored one is ignored and counted', async () => {
    const { exporter, telemetry } = harness(PLAIN);
    await exporter.consume(batchOf(sum('requests', '', [{ value: 20, at: T0 + 20_000 }])));
    await exporter.consume(batchOf(sum('requests', '', [{ value: 15, at: T0 + 10_000 }])));
    expect(sampleValue(exporter.scrape(), `requests_total{${ID}}`)).toBe(20);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'prometheus', reason: 'out_of_order' })).toBe(1);
  });
});

describe('what cannot be kept', () => {
  it('exponential histograms are dropped and counted; the rest of the batch is kept', async () => {
    const { exporter, telemetry } = harness(PLAIN);
    await exporter.consume(batchOf(exponentialHistogram('latency.exp', 's'), sum('requests', '', [{ value: 3 }])));
    await exporter.consume(batchOf(exponentialHistogram('latency.exp', 's')));
    expect(samples(exporter.scrape())).toEqual([`requests_total{${ID}} 3`]);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'prometheus', reason: 'exponential_histogram' })).toBe(2);
    expect(telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'prometheus' })).toBe(1);
  });

  it('a metric whose Prometheus name is taken by another type is dropped; the first family stays whole', async () => {
    const { exporter, telemetry } = harness(PLAIN);
    await exporter.consume(batchOf(gauge('requests_total', '', [{ value: 7 }]), sum('requests', '', [{ value: 3 }])));
    const text = exporter.scrape();
    expect(text.match(/# TYPE requests_total/g)).toEqual(['# TYPE requests_total']);
    expect(samples(text)).toEqual([`requests_total{${ID}} 7`]);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'prometheus', reason: 'type_conflict' })).toBe(1);
  });

  it('invalid points are dropped: NaN deltas, counts that do not match the bounds, unsorted bounds', async () => {
    const { exporter, telemetry } = harness(PLAIN);
    await exporter.consume(batchOf(sum('a', '', [{ value: 2 }], { temporality: 'delta' })));
    await exporter.consume(batchOf(sum('a', '', [{ value: Number.NaN }], { temporality: 'delta' })));
    await exporter.consume(
      batchOf(
        histogram('b', '', [{ value: { buckets: { boundaries: [1, 2], counts: [1, 1] }, sum: 1, count: 2 } }]),
        histogram('c', '', [{ value: hv([2, 1], [1, 1, 1], 3) }]),
      ),
    );
    expect(samples(exporter.scrape())).toEqual([`a_total{${ID}} 2`]);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'prometheus', reason: 'invalid_point' })).toBe(3);
  });

  it('a log batch is refused as permanent: the graph should never route one here', async () => {
    const { exporter } = harness(PLAIN);
    await expect(exporter.consume(logBatch([{}]))).rejects.toBeInstanceOf(PermanentError);
  });

  it('keeps its own copy of bucket counts: a producer reusing its arrays does not change the output', async () => {
    const { exporter } = harness(PLAIN);
    const value = hv([1], [2, 1], 3);
    await exporter.consume(batchOf(histogram('h', '', [{ value }], { temporality: 'delta' })));
    value.buckets.counts[0] = 100;
    value.buckets.boundaries[0] = 50;
    expect(samples(exporter.scrape())).toContain(`h_bucket{${ID},le="1"} 2`);
  });

  it('a point flagged no-recorded-value ends its series', async () => {
    const { exporter } = harness(PLAIN);
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: '1' }, value: 3 }, { attrs: { a: '2' }, value: 4 }])));
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: '1' }, value: 0, noRecordedValue: true, at: T0 + 1 }])));
    expect(samples(exporter.scrape())).toEqual([`requests_total{a="2",${ID}} 4`]);
    expect(exporter.streamCount).toBe(1);
  });

  it('a batch that ends a metric\'s only stream and starts another: the new stream is found again next time', async () => {
    const { exporter } = harness(PLAIN);
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: '1' }, value: 3 }])));
    await exporter.consume(
      batchOf(sum('requests', '', [{ attrs: { a: '1' }, value: 0, noRecordedValue: true, at: T0 + 1 }, { attrs: { a: '2' }, value: 5, at: T0 + 1 }])),
    );
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: '2' }, value: 7, at: T0 + 2 }])));
    // Cumulative 5 then 7 is 7, not 12 (two streams of one series, the first one lost to the store).
    expect(samples(exporter.scrape())).toEqual([`requests_total{a="2",${ID}} 7`]);
    expect(exporter.streamCount).toBe(1);
  });

  it('a batch whose new stream\'s first point is invalid, then a valid new stream of the same metric', async () => {
    const { exporter } = harness(PLAIN);
    const nan = { attrs: { a: '1' }, value: NaN };
    await exporter.consume(batchOf(sum('requests', '', [nan, { attrs: { a: '2' }, value: 5 }], { temporality: 'delta' })));
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { a: '2' }, value: 2, at: T0 + 1 }], { temporality: 'delta' })));
    expect(samples(exporter.scrape())).toEqual([`requests_total{a="2",${ID}} 7`]);
    expect(exporter.streamCount).toBe(1);
  });
});

class CollectingReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

/** Three collection rounds of a real MeterProvider, each consumed by the exporter. */
async function throughMeterProvider(temporality: AggregationTemporality): Promise<string> {
  const { exporter } = harness();
  const reader = new CollectingReader(temporality);
  const provider = new MeterProvider({ resource: resourceFromAttributes(KONGTEL_RESOURCE), readers: [reader] });
  const meter = provider.getMeter('kongtel-test', '1.2.3');
  const requests = meter.createCounter('http.server.request.count', { unit: '{request}', description: 'Requests served' });
  const latency = meter.createHistogram('kong.latency.total', {
    unit: 's',
    description: 'Request latency',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
  });
  const connections = meter.createUpDownCounter('kong.connections', { unit: '{connection}', description: 'Open connections' });
  const rounds: (() => void)[] = [
    () => {
      requests.add(2, { 'http.request.method': 'GET' });
      requests.add(1, { 'http.request.method': 'POST' });
      latency.record(0.05);
      latency.record(0.7);
      connections.add(5);
    },
    () => {
      requests.add(4, { 'http.request.method': 'GET' });
      latency.record(2);
      connections.add(-2);
    },
    () => {
      requests.add(1, { 'http.request.method': 'POST' });
      latency.record(0.3);
      connections.add(1);
    },
  ];
  for (const round of rounds) {
    round();
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    await exporter.consume(metricBatch([resourceMetrics]));
  }
  await provider.shutdown();
  return exporter.scrape();
}

describe('real MeterProvider output', () => {
  it('delta and cumulative readers give the same exposition, with the expected totals', async () => {
    const delta = await throughMeterProvider(AggregationTemporality.DELTA);
    const cumulative = await throughMeterProvider(AggregationTemporality.CUMULATIVE);
    expect(delta).toBe(cumulative);
    const scope = 'otel_scope_name="kongtel-test",otel_scope_version="1.2.3"';
    expect(samples(delta).sort()).toEqual([
      'target_info{job="kongtel",instance="pod-1"} 1',
      `kong_connections{${scope},${ID}} 4`,
      `kong_latency_total_seconds_bucket{${scope},${ID},le="0.1"} 1`,
      `kong_latency_total_seconds_bucket{${scope},${ID},le="0.5"} 2`,
      `kong_latency_total_seconds_bucket{${scope},${ID},le="1"} 3`,
      `kong_latency_total_seconds_bucket{${scope},${ID},le="+Inf"} 4`,
      `kong_latency_total_seconds_sum{${scope},${ID}} 3.05`,
      `kong_latency_total_seconds_count{${scope},${ID}} 4`,
      `http_server_request_count_total{http_request_method="GET",${scope},${ID}} 6`,
      `http_server_request_count_total{http_request_method="POST",${scope},${ID}} 2`,
    ].sort());
    expect(delta).toContain('# HELP http_server_request_count_total Requests served\n# TYPE http_server_request_count_total counter\n');
  });
});
