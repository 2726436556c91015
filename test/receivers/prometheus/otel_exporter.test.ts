import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { DataPointType, MeterProvider, type Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { histogramValue, metric, numberValue, point } from './helpers.js';
import { job, startReceiver, type ReceiverHarness } from './target_server.js';

let provider: MeterProvider | undefined;
let server: Server | undefined;
let h: ReceiverHarness | undefined;

afterEach(async () => {
  await h?.shutdown();
  server?.closeAllConnections();
  if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
  await provider?.shutdown();
  h = undefined;
  server = undefined;
  provider = undefined;
});

describe("a real Prometheus client library's exposition: @opentelemetry/exporter-prometheus", () => {
  it('counters, histograms, up-down counters and gauges round-trip exactly', async () => {
    const exporter = new PrometheusExporter({ preventServerStart: true });
    provider = new MeterProvider({ readers: [exporter], resource: resourceFromAttributes({ 'service.name': 'demo' }) });
    const meter = provider.getMeter('kong-demo', '1.2.3');
    const requests = meter.createCounter('http.server.request.count', { unit: '{request}', description: 'Requests' });
    requests.add(3, { 'kong.service.name': 'orders', code: 200 });
    requests.add(2.5, { 'kong.service.name': 'users', code: 500 });
    requests.add(1e15, { 'kong.service.name': 'big', code: 200 });
    const latency = meter.createHistogram('kong.latency.total', { unit: 's', advice: { explicitBucketBoundaries: [0.01, 0.1, 1] } });
    for (const v of [0.005, 0.05, 0.07, 2, 0.1]) latency.record(v, { route: 'r1' });
    const queue = meter.createUpDownCounter('queue.size');
    queue.add(5);
    queue.add(-2);
    const temp = meter.createGauge('temp');
    temp.record(-21.75, { room: 'a"b\\c\nd' });

    server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;

    h = await startReceiver(job([address]));
    await h.advance(0);
    const rms = h.last().resourceMetrics;

    // What the SDK itself holds, to compare the scraped numbers against.
    const { resourceMetrics: sdk } = await exporter.collect();
    const sdkLatency = sdk.scopeMetrics[0].metrics.find((m) => m.descriptor.name === 'kong.latency.total');
    const expectedHistogram = sdkLatency?.dataPoints[0].value as Histogram;

    expect(metric(rms, 'http_server_request_count_total')).toMatchObject({
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      descriptor: { description: 'Requests', unit: '{request}' },
    });
    expect(numberValue(rms, 'http_server_request_count_total', { kong_service_name: 'orders', code: '200' })).toBe(3);
    expect(numberValue(rms, 'http_server_request_count_total', { kong_service_name: 'users', code: '500' })).toBe(2.5);
    expect(numberValue(rms, 'http_server_request_count_total', { kong_service_name: 'big' })).toBe(1e15);

    expect(metric(rms, 'kong_latency_total').descriptor.unit).toBe('s');
    const scraped = histogramValue(rms, 'kong_latency_total', { route: 'r1' });
    expect(scraped).toEqual({ buckets: { boundaries: [0.01, 0.1, 1], counts: [1, 3, 0, 1] }, count: 5, sum: expectedHistogram.sum });
    expect(scraped.buckets).toEqual(expectedHistogram.buckets);
    expect(scraped.count).toBe(expectedHistogram.count);

    expect(metric(rms, 'queue_size').dataPointType).toBe(DataPointType.GAUGE);
    expect(numberValue(rms, 'queue_size')).toBe(3);
    expect(point(rms, 'temp').attributes.room).toBe('a"b\\c\nd');
    expect(numberValue(rms, 'temp')).toBe(-21.75);
    // target_info is an ordinary gauge here; the exporter's scope labels are ordinary attributes.
    expect(numberValue(rms, 'target_info', { service_name: 'demo' })).toBe(1);
    expect(point(rms, 'temp').attributes.otel_scope_name).toBe('kong-demo');
  });
});
