import { describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { prometheusConfigSchema } from '../../../exporters/prometheus/index.js';
import { recordingLogger } from '../../helpers/log_lines.js';
import { T0, batchOf, harness, resourceMetrics, samples, sum } from './builders.js';
import { metricBatch } from '../../../core/index.js';

/**
 * `max_streams`: one budget for everything the exporter holds, whatever path the points came by. Past
 * it, points of new streams are dropped and counted, and said once; what was admitted stays exact.
 */

const ID = 'job="kongtel",instance="pod-1"';
const DROPPED = { exporter: 'prometheus', reason: 'max_streams' };

function requests(n: number, at = T0, value = 1) {
  return batchOf(sum('requests', '', Array.from({ length: n }, (_, i) => ({ attrs: { id: String(i) }, value, at })), { temporality: 'delta' }));
}

describe('max_streams', () => {
  it('defaults to 100 000 and refuses what is not a whole number ≥ 1', () => {
    expect(prometheusConfigSchema.parse({}).max_streams).toBe(100_000);
    for (const bad of [0, -1, 1.5, '10']) {
      const r = prometheusConfigSchema.safeParse({ max_streams: bad });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0].path).toEqual(['max_streams']);
    }
  });

  it('past the budget, points of new streams are dropped and counted, admitted series stay exact, one log line', async () => {
    const logs = recordingLogger();
    const { exporter, telemetry } = harness({ max_streams: 10, without_scope_info: true }, 'prometheus', { logger: logs.logger });
    // The resource's target_info takes one place: 9 streams fit.
    await exporter.consume(requests(25));
    await exporter.consume(requests(25, T0 + 10_000));
    const expected = [`target_info{${ID}} 1`, ...Array.from({ length: 9 }, (_, i) => `requests_total{id="${i}",${ID}} 2`)];
    expect(samples(exporter.scrape())).toEqual(expected);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, DROPPED)).toBe(2 * 16);
    expect(telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'prometheus' })).toBe(2 * 9);
    expect(telemetry.value(SelfMetric.exporterPrometheusStreams, { exporter: 'prometheus' })).toBe(10);
    expect(telemetry.value(SelfMetric.exporterPrometheusStreamsLimit, { exporter: 'prometheus' })).toBe(10);
    expect(logs.count('warn', 'max_streams (10)')).toBe(1);
    expect(logs.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    // Thousands of new metric names past the budget still make no new log line.
    for (let i = 0; i < 20; i++) await exporter.consume(batchOf(sum(`other.${i}`, '', [{ value: 1 }])));
    expect(logs.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, DROPPED)).toBe(2 * 16 + 20);
  });

  it('the self-telemetry page shows the overflow and the gauges', async () => {
    const { exporter, telemetry } = harness({ max_streams: 3 });
    await exporter.consume(requests(5));
    const page = telemetry.renderPrometheus();
    expect(page).toContain('kongtel_exporter_send_failed_metric_points_total{exporter="prometheus",reason="max_streams"} 3\n');
    expect(page).toContain('kongtel_exporter_prometheus_streams{exporter="prometheus"} 3\n');
    expect(page).toContain('kongtel_exporter_prometheus_streams_limit{exporter="prometheus"} 3\n');
  });

  it('a stream that expires gives its place back', async () => {
    const { exporter, clock } = harness({ max_streams: 3, without_scope_info: true, metric_expiration: '1m' });
    await exporter.consume(requests(2));
    clock.advance(61_000);
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { id: 'late' }, value: 5, at: T0 + 61_000 }], { temporality: 'delta' })));
    expect(samples(exporter.scrape())).toEqual([`target_info{${ID}} 1`, `requests_total{id="late",${ID}} 5`]);
  });

  it('every new resource takes a place of its own (its target_info series)', async () => {
    const { exporter, telemetry } = harness({ max_streams: 4, without_scope_info: true });
    const of = (instance: string) =>
      resourceMetrics([sum('requests', '', [{ value: 1 }])], { resource: { 'service.name': 'kong', 'service.instance.id': instance } });
    await exporter.consume(metricBatch([of('a'), of('b'), of('c')]));
    expect(samples(exporter.scrape())).toEqual([
      'target_info{job="kong",instance="a"} 1',
      'target_info{job="kong",instance="b"} 1',
      'requests_total{job="kong",instance="a"} 1',
      'requests_total{job="kong",instance="b"} 1',
    ]);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, DROPPED)).toBe(1);
  });

  it('naming: kong: a new stream past the budget is dropped even when its Kong series exists; the series keeps its total', async () => {
    const { exporter, telemetry } = harness({ max_streams: 2, naming: 'kong', without_scope_info: true });
    const kong = (method: string, value: number) =>
      batchOf(sum('http.server.request.count', '{request}', [{ attrs: { 'kong.service.name': 's', 'http.request.method': method }, value }]));
    await exporter.consume(kong('GET', 3));
    await exporter.consume(kong('POST', 4));
    const line = samples(exporter.scrape()).find((l) => l.startsWith('kong_http_requests_total{'));
    expect(line).toBe(`kong_http_requests_total{service="s",route="",code="",source="",workspace="",consumer="",${ID}} 3`);
    expect(telemetry.value(SelfMetric.exporterSendFailedMetricPoints, DROPPED)).toBe(1);
  });

  it('what the exporter caches per metric name stays bounded however many names arrive', async () => {
    const { exporter } = harness({ max_streams: 50 });
    for (let i = 0; i < 20; i++) {
      await exporter.consume(batchOf(...Array.from({ length: 1000 }, (_, j) => sum(`m.${i}.${j}`, '', [{ value: 1 }]))));
    }
    const held = exporter.held;
    expect(held.streams + held.resources).toBe(50);
    expect(held.families).toBe(49);
    expect(held.cachedTargets).toBeLessThanOrEqual(4096);
  });
});
