import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { startReceiver, type Harness } from './client.js';

/**
 * What the SDK's own OTLP exporters send arrives intact: one collection is exported to the receiver and
 * kept, and the receiver's batch must equal it field by field, times to the nanosecond.
 */

/** A reader that collects only when told, so the very ResourceMetrics exported can be compared. */
class ManualReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

type Compression = NonNullable<NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>['compression']>;

function exporterFor(encoding: 'proto' | 'json', compression: 'gzip' | 'none', port: number): PushMetricExporter {
  const config = { url: `http://127.0.0.1:${port}/v1/metrics`, compression: compression as Compression, timeoutMillis: 5_000 };
  return encoding === 'proto' ? new ProtoExporter(config) : new JsonExporter(config);
}

function exportOnce(exporter: PushMetricExporter, rm: ResourceMetrics): Promise<number> {
  return new Promise((resolve) => exporter.export(rm, (result) => resolve(result.code)));
}

/** Records a known set of measurements on every instrument kind the pipeline meets. */
async function collect(temporality: AggregationTemporality): Promise<{ rm: ResourceMetrics; provider: MeterProvider }> {
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'kong', 'service.instance.id': 'kong-1', 'deployment.replicas': 3 }),
    readers: [reader],
    views: [{ instrumentName: 'kong.upstream.latency', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('kong-gateway', '3.14.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' });

  const requests = meter.createCounter('http.server.requests', { description: 'Requests proxied', unit: '{request}', valueType: ValueType.INT });
  requests.add(3, { 'http.route': '/orders', 'http.response.status_code': 200, retried: false, ratio: 0.25, tags: ['a', 'b'] });
  requests.add(2, { 'http.route': '/orders', 'http.response.status_code': 200, retried: false, ratio: 0.25, tags: ['a', 'b'] });
  requests.add(1, { 'http.route': '/users', 'http.response.status_code': 503, retried: true, ratio: 0.25, tags: [] });

  const bytes = meter.createCounter('kong.bandwidth', { description: 'Bytes sent', unit: 'By' });
  bytes.add(1536.5, { direction: 'egress' });

  const active = meter.createUpDownCounter('kong.connections.active', { unit: '{connection}', valueType: ValueType.INT });
  active.add(10);
  active.add(-4);

  const latency = meter.createHistogram('http.server.request.duration', {
    description: 'Request latency',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.05, 0.5, 5] },
  });
  for (const v of [0.001, 0.004, 0.02, 0.3, 0.3, 7]) latency.record(v, { 'http.route': '/orders' });

  const upstream = meter.createHistogram('kong.upstream.latency', { unit: 'ms' });
  for (const v of [1, 2, 4, 8, 100]) upstream.record(v);

  const memory = meter.createGauge('kong.memory.lua.shared_dict.bytes', { unit: 'By', valueType: ValueType.INT });
  memory.record(5_242_880, { shared_dict: 'kong' });
  const load = meter.createGauge('kong.load', {});
  load.record(0.75);

  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return { rm: resourceMetrics, provider };
}

function metric(rm: ResourceMetrics, name: string): MetricData {
  const found = rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  if (!found) throw new Error(`metric ${name} not received`);
  return found;
}

const CASES = [
  { encoding: 'proto', compression: 'none', temporality: AggregationTemporality.CUMULATIVE, label: 'cumulative' },
  { encoding: 'proto', compression: 'gzip', temporality: AggregationTemporality.DELTA, label: 'delta' },
  { encoding: 'json', compression: 'none', temporality: AggregationTemporality.DELTA, label: 'delta' },
  { encoding: 'json', compression: 'gzip', temporality: AggregationTemporality.CUMULATIVE, label: 'cumulative' },
] as const;

describe('OTLP from the OpenTelemetry SDK exporters', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver();
  });
  afterAll(() => h.receiver.shutdown());

  describe.each(CASES)('$encoding, compression $compression, $label', ({ encoding, compression, temporality }) => {
    let sent: ResourceMetrics;
    let got: ResourceMetrics;

    beforeAll(async () => {
      const { rm, provider } = await collect(temporality);
      sent = rm;
      const exporter = exporterFor(encoding, compression, h.port);
      const before = h.received().length;
      expect(await exportOnce(exporter, rm)).toBe(0); // ExportResultCode.SUCCESS
      await exporter.shutdown();
      await provider.shutdown();
      expect(h.received().length).toBe(before + 1);
      got = h.received()[before];
    });

    it('keeps the resource and the scope', () => {
      expect(got.resource.attributes).toEqual(sent.resource.attributes);
      expect(got.resource.attributes['deployment.replicas']).toBe(3);
      expect(got.scopeMetrics).toHaveLength(1);
      expect(got.scopeMetrics[0].scope).toEqual({
        name: 'kong-gateway',
        version: '3.14.0',
        schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
      });
    });

    it('keeps every metric: descriptor, kind, temporality, monotonic flag', () => {
      const sentMetrics = sent.scopeMetrics[0].metrics;
      expect(got.scopeMetrics[0].metrics.map((m) => m.descriptor.name)).toEqual(sentMetrics.map((m) => m.descriptor.name));
      for (const s of sentMetrics) {
        const g = metric(got, s.descriptor.name);
        expect(g.descriptor, s.descriptor.name).toEqual({
          name: s.descriptor.name,
          description: s.descriptor.description,
          unit: s.descriptor.unit,
          // Histograms carry no value type on the wire; the SDK's default (DOUBLE) is what they had.
          valueType: s.descriptor.valueType,
        });
        expect(g.dataPointType, s.descriptor.name).toBe(s.dataPointType);
        if (s.dataPointType !== DataPointType.GAUGE) expect(g.aggregationTemporality, s.descriptor.name).toBe(temporality);
        if (s.dataPointType === DataPointType.SUM && g.dataPointType === DataPointType.SUM) {
          expect(g.isMonotonic, s.descriptor.name).toBe(s.isMonotonic);
        }
      }
      expect(metric(got, 'http.server.requests')).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true });
      expect(metric(got, 'kong.connections.active')).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: false });
      expect(metric(got, 'http.server.requests').descriptor.valueType).toBe(ValueType.INT);
      expect(metric(got, 'kong.bandwidth').descriptor.valueType).toBe(ValueType.DOUBLE);
    });

    it('keeps every data point exactly: attributes, values, buckets, start and end time to the nanosecond', () => {
      for (const s of sent.scopeMetrics[0].metrics) {
        const g = metric(got, s.descriptor.name);
        const sentPoints = s.dataPoints.map((p) => ({ startTime: p.startTime, endTime: p.endTime, attributes: p.attributes, value: p.value }));
        expect(g.dataPoints, s.descriptor.name).toEqual(sentPoints);
      }
    });

    it('delivers the values a user would chart', () => {
      const requests = metric(got, 'http.server.requests').dataPoints;
      expect(requests.map((p) => [p.attributes['http.route'], p.value])).toEqual([
        ['/orders', 5],
        ['/users', 1],
      ]);
      expect(requests[0].attributes).toEqual({
        'http.route': '/orders',
        'http.response.status_code': 200,
        retried: false,
        ratio: 0.25,
        tags: ['a', 'b'],
      });
      expect(metric(got, 'kong.connections.active').dataPoints[0].value).toBe(6);
      expect(metric(got, 'kong.bandwidth').dataPoints[0].value).toBe(1536.5);
      expect(metric(got, 'kong.memory.lua.shared_dict.bytes').dataPoints[0].value).toBe(5_242_880);
      expect(metric(got, 'kong.load').dataPoints[0].value).toBe(0.75);
      const latency = metric(got, 'http.server.request.duration').dataPoints[0].value;
      expect(latency).toEqual({
        buckets: { boundaries: [0.005, 0.05, 0.5, 5], counts: [2, 1, 2, 0, 1] },
        count: 6,
        sum: expect.closeTo(7.625, 9),
        min: 0.001,
        max: 7,
      });
      const upstream = metric(got, 'kong.upstream.latency').dataPoints[0].value;
      expect(upstream).toMatchObject({ count: 5, sum: 115, min: 1, max: 100, zeroCount: 0 });
    });
  });

  it('counted every point of the four exports as accepted', () => {
    expect(h.telemetry.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'otlp' })).toBe(4 * 8);
    expect(h.telemetry.value(SelfMetric.receiverRequests, { receiver: 'otlp', code: '200' })).toBe(4);
  });
});
