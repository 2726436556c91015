import { gunzipSync } from 'node:zlib';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { FLAG_NO_RECORDED_VALUE, metricBatch, SelfMetric } from '../../../core/index.js';
import { runningHost } from '../../support/context.js';
import { DynatraceStandIn } from '../../support/stand_ins/dynatrace.js';
import { OtlpStandIn } from '../../support/stand_ins/otlp_http.js';
import { handResource, handSum, harness, sdkDeltaMetrics } from './fixtures.js';
import { ERROR, WARN } from '../../support/logs.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});

async function dynatrace(opts: ConstructorParameters<typeof DynatraceStandIn>[0] = {}): Promise<DynatraceStandIn> {
  const dt = await new DynatraceStandIn(opts).start();
  stops.push(() => dt.stop());
  return dt;
}

async function otlp(opts: ConstructorParameters<typeof OtlpStandIn>[0] = {}): Promise<OtlpStandIn> {
  const s = await new OtlpStandIn(opts).start();
  stops.push(() => s.stop());
  return s;
}

describe('otlphttp delivery', () => {
  it('sends protobuf + gzip that Dynatrace decodes to the exact names, units, temporality, attributes and buckets', async () => {
    const dt = await dynatrace();
    const h = harness({ endpoint: dt.endpoint, headers: { Authorization: `Api-Token ${dt.token}` } });
    await h.exporter.start(runningHost);
    await h.exporter.consume(metricBatch([await sdkDeltaMetrics()]));
    await h.exporter.shutdown();

    expect(dt.requests).toHaveLength(1);
    const req = dt.requests[0];
    expect(req.status).toBe(200);
    expect(req.path).toBe('/api/v2/otlp/v1/metrics');
    expect(req.headers['content-type']).toBe('application/x-protobuf');
    expect(req.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(req.rawBody).length).toBeGreaterThan(req.rawBody.length / 2);

    const r = dt.received;
    const requests = r.named('kong.http.requests')[0];
    expect(requests).toMatchObject({ unit: '{request}', description: 'Requests proxied', type: 'sum', temporality: 'delta', monotonic: true });
    expect(requests.resource).toMatchObject({ 'service.name': 'kongtel', 'service.instance.id': 'pod-1' });
    expect(requests.scope).toEqual({ name: 'kongtel.kong_metrics', version: '0.1.0' });
    expect(r.total('kong.http.requests', { route: 'r1', 'http.response.status_code': 200 })).toBe(5);
    expect(r.total('kong.http.requests', { route: 'r2', 'http.response.status_code': 500 })).toBe(5);
    expect(r.points('kong.http.requests').map((p) => p.valueType)).toEqual(['int', 'int']);

    const latency = r.named('kong.latency.total')[0];
    expect(latency).toMatchObject({ unit: 'ms', type: 'histogram', temporality: 'delta' });
    expect(r.histogramTotal('kong.latency.total', { route: 'r1' })).toEqual({
      count: 4,
      sum: 595,
      bucketCounts: [1, 1, 1, 1],
      explicitBounds: [10, 50, 100],
    });
    expect(r.points('kong.latency.total')[0]).toMatchObject({ min: 5, max: 500 });

    expect(r.named('kong.bandwidth')[0]).toMatchObject({ unit: 'By', temporality: 'delta' });
    expect(r.total('kong.bandwidth', { route: 'r1', direction: 'egress' })).toBe(1.5);
    expect(r.pointCount()).toBe(4);
    expect(h.telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'otlphttp' })).toBe(4);
    expect(dt.everCumulative).toBe(false);
  });

  it('sends OTLP/JSON that a JSON-only endpoint decodes (64-bit integers as strings)', async () => {
    const s = await otlp({ accept: ['json'] });
    const h = harness({ endpoint: s.endpoint, encoding: 'json', compression: 'none' });
    await h.exporter.start(runningHost);
    await h.exporter.consume(metricBatch([await sdkDeltaMetrics()]));
    await h.exporter.shutdown();

    expect(s.requests.map((q) => q.status)).toEqual([200]);
    expect(s.requests[0].headers['content-type']).toBe('application/json');
    expect(s.requests[0].headers['content-encoding']).toBeUndefined();
    const raw = JSON.parse(s.requests[0].rawBody.toString('utf8')) as {
      resourceMetrics: { scopeMetrics: { metrics: { sum?: { dataPoints: { timeUnixNano: unknown }[] } }[] }[] }[];
    };
    const firstSum = raw.resourceMetrics[0].scopeMetrics[0].metrics.find((m) => m.sum);
    expect(typeof firstSum?.sum?.dataPoints[0].timeUnixNano).toBe('string');
    expect(s.received.total('kong.http.requests', { route: 'r1' })).toBe(5);
    expect(s.received.histogramTotal('kong.latency.total')).toMatchObject({ count: 4, sum: 595, bucketCounts: [1, 1, 1, 1] });
    expect(s.received.named('kong.latency.total')[0].temporality).toBe('delta');
  });

  it('sends configured headers and basic auth (Grafana Cloud: instance id and token) to metrics_endpoint verbatim', async () => {
    const s = await otlp({ path: '/otlp/custom/metrics' });
    const h = harness({
      metrics_endpoint: `${s.server.origin}/otlp/custom/metrics`,
      headers: { 'X-Scope-OrgID': 'tenant-1' },
      auth: { basic: { username: '123456', password: 'glc_secret' } },
    });
    await h.exporter.start(runningHost);
    await h.exporter.consume(metricBatch([handResource([handSum({ name: 'a', values: [1] })])]));
    await h.exporter.shutdown();

    expect(s.requests.map((q) => [q.path, q.status])).toEqual([['/otlp/custom/metrics', 200]]);
    expect(s.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('123456:glc_secret').toString('base64')}`);
    expect(s.requests[0].headers['x-scope-orgid']).toBe('tenant-1');
    expect(JSON.stringify(h.lines)).not.toContain('glc_secret');
  });

  for (const encoding of ['proto', 'json'] as const) {
    it(`${encoding}: puts every ResourceMetrics of a batch into one request and keeps point flags`, async () => {
      const s = await otlp();
      const h = harness({ endpoint: s.endpoint, encoding });
      await h.exporter.start(runningHost);
      await h.exporter.consume(
        metricBatch([
          handResource([handSum({ name: 'a', values: [1, 0, 3], flags: [0, FLAG_NO_RECORDED_VALUE, 0] })], 'svc-1'),
          handResource([handSum({ name: 'b', values: [7] })], 'svc-2'),
        ]),
      );
      await h.exporter.shutdown();

      expect(s.requests.map((q) => q.status)).toEqual([200]);
      expect(s.received.metrics.map((m) => [m.name, m.resource['service.name']])).toEqual([
        ['a', 'svc-1'],
        ['b', 'svc-2'],
      ]);
      expect(s.received.points('a').map((p) => [p.value, p.flags])).toEqual([
        [1, 0],
        [0, FLAG_NO_RECORDED_VALUE],
        [3, 0],
      ]);
      expect(s.received.total('b')).toBe(7);
      expect(h.telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'otlphttp' })).toBe(4);
    });
  }

  it('Dynatrace refuses a cumulative monotonic sum with 400: dropped once, not retried, its message logged and counted', async () => {
    const dt = await dynatrace();
    const h = harness({ endpoint: dt.endpoint, headers: { Authorization: `Api-Token ${dt.token}` } });
    await h.exporter.start(runningHost);
    const cumulative = handSum({ name: 'kong.requests.total', values: [10, 20], temporality: AggregationTemporality.CUMULATIVE });
    await h.exporter.consume(metricBatch([handResource([cumulative])]));
    await h.exporter.shutdown();

    expect(dt.requests.map((q) => q.status)).toEqual([400]);
    expect(dt.everCumulative).toBe(true);
    expect(dt.received.pointCount()).toBe(0);
    const errors = h.lines.filter((l) => l.level === ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ status: 400, points: 2 });
    expect(errors[0].message).toBe(
      "The following issues were encountered while ingesting OTLP metrics: Errors: Unsupported metric: 'kong.requests.total' - Reason: UNSUPPORTED_METRIC_TYPE_MONOTONIC_CUMULATIVE_SUM",
    );
    expect(h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'otlphttp', reason: 'http_400' })).toBe(2);
    expect(h.telemetry.value(SelfMetric.exporterRetries, { exporter: 'otlphttp' })).toBe(0);
    expect(h.telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'otlphttp' })).toBe(0);
  });

  it('Dynatrace answers 401 without the token and 415 to JSON: both permanent', async () => {
    const dt = await dynatrace();
    const noToken = harness({ endpoint: dt.endpoint }, { id: 'otlphttp/no_token' });
    const json = harness({ endpoint: dt.endpoint, encoding: 'json', headers: { Authorization: `Api-Token ${dt.token}` } }, { id: 'otlphttp/json' });
    for (const h of [noToken, json]) {
      await h.exporter.start(runningHost);
      await h.exporter.consume(metricBatch([handResource([handSum({ name: 'a', values: [1] })])]));
      await h.exporter.shutdown();
    }
    expect(dt.requests.map((q) => q.status).sort()).toEqual([401, 415]);
    expect(noToken.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'otlphttp/no_token', reason: 'http_401' })).toBe(1);
    expect(json.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'otlphttp/json', reason: 'http_415' })).toBe(1);
    expect(String(json.lines.find((l) => l.level === ERROR)?.message)).toContain('only application/x-protobuf is supported');
  });

  it('partial success: logged as a warning, rejected points counted, nothing retried', async () => {
    const dt = await dynatrace({ cumulativeAs: 'partialSuccess' });
    const h = harness({ endpoint: dt.endpoint, headers: { Authorization: `Api-Token ${dt.token}` } });
    await h.exporter.start(runningHost);
    await h.exporter.consume(
      metricBatch([
        handResource([
          handSum({ name: 'kong.requests', values: [4, 6] }),
          handSum({ name: 'kong.requests.cumulative', values: [100, 200, 300], temporality: AggregationTemporality.CUMULATIVE }),
        ]),
      ]),
    );
    await h.exporter.shutdown();

    expect(dt.requests.map((q) => q.status)).toEqual([200]);
    expect(dt.received.total('kong.requests')).toBe(10);
    expect(dt.received.named('kong.requests.cumulative')).toHaveLength(0);
    expect(h.telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'otlphttp' })).toBe(2);
    expect(h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { exporter: 'otlphttp', reason: 'partial_success' })).toBe(3);
    const warns = h.lines.filter((l) => l.level === WARN);
    expect(warns).toHaveLength(1);
    expect(warns[0]).toMatchObject({ rejectedPoints: 3, points: 5 });
    expect(String(warns[0].message)).toContain('UNSUPPORTED_METRIC_TYPE_MONOTONIC_CUMULATIVE_SUM');
    expect(h.lines.filter((l) => l.level === ERROR)).toHaveLength(0);
  });
});
