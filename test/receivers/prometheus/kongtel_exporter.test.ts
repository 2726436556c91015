import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { ManualClock, metricBatch, msToHrTime, SelfTelemetry, type Exporter } from '../../../core/index.js';
import { PrometheusExporter, prometheusExporterFactory } from '../../../exporters/prometheus/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { histogramValue, metric, numberValue, point, T0 } from './helpers.js';
import { job, startReceiver, type ReceiverHarness } from './target_server.js';
import { stopAfterEach } from '../../support/teardown.js';

let exporter: Exporter | undefined;
let h: ReceiverHarness | undefined;

stopAfterEach(() => [h, exporter], () => {
  h = undefined;
  exporter = undefined;
});

const at = { startTime: msToHrTime(T0 - 60_000), endTime: msToHrTime(T0 - 1_000) };
const descriptor = (name: string, unit: string) => ({ name, unit, description: `${name} help`, valueType: ValueType.DOUBLE });

const METRICS: MetricData[] = [
  {
    descriptor: descriptor('http.server.request.count', '{request}'),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: [
      { ...at, attributes: { 'kong.service.name': 'orders', 'kong.response.status_code': 200 }, value: 42.5 },
      { ...at, attributes: { 'kong.service.name': 'orders', 'kong.response.status_code': 503 }, value: 7 },
    ],
  },
  {
    descriptor: descriptor('kong.latency.total', 's'),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: [{ ...at, attributes: { 'kong.route.name': 'r1' }, value: { buckets: { boundaries: [0.005, 0.01, 0.5], counts: [1, 2, 0, 3] }, count: 6, sum: 12.345 } }],
  },
  {
    descriptor: descriptor('kong.nginx.connection.count', '{connection}'),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: [{ ...at, attributes: { 'kong.connection.state': 'active' }, value: 17 }],
  },
];

describe("round trip through kongtel's own prometheus exporter", () => {
  it('what the exporter serves, the receiver reads back with the same values, buckets and sums', async () => {
    const clock = new ManualClock(T0);
    const config = prometheusExporterFactory.configSchema.parse({ endpoint: '127.0.0.1:0', without_scope_info: true });
    const exp = prometheusExporterFactory.create(config, testContext('prometheus', 'exporter', { clock, telemetry: new SelfTelemetry() }));
    exporter = exp;
    if (!(exp instanceof PrometheusExporter)) throw new Error('not the prometheus exporter');
    await exp.start(runningHost);
    await exp.consume(metricBatch([{ resource: resourceFromAttributes({ 'service.name': 'kongtel', 'service.instance.id': 'pod-1' }), scopeMetrics: [{ scope: { name: 'kongtel/kong_metrics' }, metrics: METRICS }] }]));

    h = await startReceiver(job([`127.0.0.1:${exp.address.port}`]));
    await h.advance(0);
    const rms = h.last().resourceMetrics;

    expect(metric(rms, 'http_server_request_count_total')).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true, descriptor: { description: 'http.server.request.count help' } });
    expect(numberValue(rms, 'http_server_request_count_total', { kong_response_status_code: '200' })).toBe(42.5);
    expect(numberValue(rms, 'http_server_request_count_total', { kong_response_status_code: '503' })).toBe(7);
    expect(histogramValue(rms, 'kong_latency_total_seconds', { kong_route_name: 'r1' })).toEqual({
      buckets: { boundaries: [0.005, 0.01, 0.5], counts: [1, 2, 0, 3] },
      count: 6,
      sum: 12.345,
    });
    expect(metric(rms, 'kong_nginx_connection_count').dataPointType).toBe(DataPointType.GAUGE);
    expect(numberValue(rms, 'kong_nginx_connection_count', { kong_connection_state: 'active' })).toBe(17);
    // The exporter's job/instance labels meet the scrape's own: kept as exported_* (honor_labels: false).
    expect(point(rms, 'kong_nginx_connection_count').attributes).toEqual({
      kong_connection_state: 'active',
      exported_job: 'kongtel',
      exported_instance: 'pod-1',
    });
    expect(numberValue(rms, 'target_info', { exported_job: 'kongtel' })).toBe(1);
  });
});
