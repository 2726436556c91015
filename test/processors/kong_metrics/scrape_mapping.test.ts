import { ValueType, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { metricBatch, type MetricBatch } from '../../../core/index.js';
import { kongRuleFor, mapScrapedKongSeries } from '../../../processors/kong_metrics/scrape_mapping.js';

/** Batches in the shape the prometheus receiver gives: family names as metric names, labels as attributes. */
const T0: [number, number] = [1_700_000_000, 0];
const T1: [number, number] = [1_700_000_060, 0];

function counter(name: string, points: [Attributes, number][]): MetricData {
  return {
    descriptor: { name, description: '', unit: '', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: points.map(([attributes, value]) => ({ startTime: T0, endTime: T1, attributes, value })),
  };
}

function gauge(name: string, points: [Attributes, number][]): MetricData {
  return {
    descriptor: { name, description: '', unit: '', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: points.map(([attributes, value]) => ({ startTime: T0, endTime: T1, attributes, value })),
  };
}

function histogram(name: string, attributes: Attributes, boundaries: number[], counts: number[], sum: number): MetricData {
  return {
    descriptor: { name, description: '', unit: '', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: [{ startTime: T0, endTime: T1, attributes, value: { buckets: { boundaries, counts }, count: counts.reduce((a, b) => a + b, 0), sum } }],
  };
}

function batchOf(...metrics: MetricData[]): MetricBatch {
  return metricBatch([{ resource: resourceFromAttributes({ 'service.name': 'kong', 'service.instance.id': 'kong:8100' }), scopeMetrics: [{ scope: { name: 'kongtel/prometheus' }, metrics }] }]);
}

function only(result: MetricBatch): MetricData[] {
  return result.resourceMetrics[0].scopeMetrics[0].metrics;
}

const map = (b: MetricBatch, dropUnmapped = false, excluded: string[] = []) => mapScrapedKongSeries(b, { dropUnmapped, excluded: new Set(excluded) });

describe('kong_metrics scrape mapping: Kong Prometheus-plugin series → OTel instruments', () => {
  it('kong_http_requests_total → http.server.request.count with the common attribute names', () => {
    const r = map(
      batchOf(
        counter('kong_http_requests_total', [
          [{ service: 'orders', route: 'orders-get', code: '200', source: 'service', workspace: 'default', consumer: '' }, 12],
          [{ service: 'orders', route: 'orders-get', code: '401', source: 'kong', workspace: 'default', consumer: 'alice' }, 3],
        ]),
      ),
    );
    const [m] = only(r.batch);
    expect(m.descriptor).toMatchObject({ name: 'http.server.request.count', unit: '{request}' });
    expect(m.dataPointType).toBe(DataPointType.SUM);
    expect(m.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ 'kong.service.name': 'orders', 'kong.route.name': 'orders-get', 'kong.response.status_code': 200, 'kong.response.source': 'upstream', 'kong.workspace.name': 'default' }, 12],
      [{ 'kong.service.name': 'orders', 'kong.route.name': 'orders-get', 'kong.response.status_code': 401, 'kong.response.source': 'kong', 'kong.workspace.name': 'default', 'kong.auth.consumer.name': 'alice' }, 3],
    ]);
    expect(r.mappedPoints).toBe(2);
  });

  it.each([
    ['kong_request_latency_ms', 'kong.latency.total'],
    ['kong_kong_latency_ms', 'kong.latency.internal'],
    ['kong_upstream_latency_ms', 'kong.latency.upstream'],
    ['kong_ai_llm_provider_latency_ms', 'gen_ai.server.request.duration'],
    ['kong_ai_cache_fetch_latency_ms', 'kong.gen_ai.cache.fetch.latency'],
    ['ai_cache_fetch_latency', 'kong.gen_ai.cache.fetch.latency'],
    ['kong_ai_cache_embeddings_latency', 'kong.gen_ai.cache.embeddings.latency'],
  ])('%s (ms histogram) → %s in seconds: bounds and sum ÷ 1000, counts kept', (family, instrument) => {
    const [m] = only(map(batchOf(histogram(family, { service: 's', route: 'r', workspace: 'w' }, [25, 50, 80, 100], [1, 2, 0, 3, 4], 1234))).batch);
    expect(m.descriptor).toMatchObject({ name: instrument, unit: 's' });
    expect(m.dataPoints[0].value).toEqual({ buckets: { boundaries: [0.025, 0.05, 0.08, 0.1], counts: [1, 2, 0, 3, 4] }, count: 10, sum: 1.234, min: undefined, max: undefined });
  });

  it('AI tokens: token_type values, the AI label set, un-prefixed names of older docs, cache status lower-cased', () => {
    const labels = { ai_provider: 'openai', ai_model: 'gpt-4o', cache_status: 'Hit', vector_db: 'redis', embeddings_provider: '', embeddings_model: '', workspace: 'default' };
    const [m] = only(
      map(
        batchOf(
          counter('ai_llm_tokens_total', [
            [{ ...labels, token_type: 'prompt_tokens' }, 1000],
            [{ ...labels, token_type: 'completion_tokens' }, 2000],
            [{ ...labels, token_type: 'total_tokens' }, 3000],
            [{ ...labels, cache_status: '', token_type: 'input_tokens' }, 7],
          ]),
        ),
      ).batch,
    );
    expect(m.descriptor).toMatchObject({ name: 'gen_ai.client.token.usage', unit: '{token}' });
    const base = { 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o', 'kong.gen_ai.cache.status': 'hit', 'kong.gen_ai.vector_db': 'redis', 'kong.workspace.name': 'default' };
    expect(m.dataPoints.map((p) => [p.attributes, p.value])).toEqual([
      [{ ...base, 'gen_ai.token.type': 'input' }, 1000],
      [{ ...base, 'gen_ai.token.type': 'output' }, 2000],
      [{ ...base, 'gen_ai.token.type': 'total' }, 3000],
      [{ ...base, 'kong.gen_ai.cache.status': '', 'gen_ai.token.type': 'input' }, 7],
    ]);
  });

  it('cost, AI requests and bandwidth keep their own instruments', () => {
    const r = map(
      batchOf(
        counter('kong_ai_llm_cost_total', [[{ ai_provider: 'openai', ai_model: 'm', workspace: 'w' }, 0.5]]),
        counter('kong_ai_llm_requests_total', [[{ ai_provider: 'openai', ai_model: 'm', workspace: 'w' }, 4]]),
        counter('kong_bandwidth_bytes', [
          [{ service: 's', route: 'r', direction: 'ingress', workspace: 'w', consumer: '' }, 100],
          [{ service: 's', route: 'r', direction: 'egress', workspace: 'w', consumer: '' }, 900],
        ]),
      ),
    );
    const [cost, requests, bandwidth] = only(r.batch);
    expect([cost.descriptor.name, cost.descriptor.unit, cost.dataPoints[0].value]).toEqual(['kong.gen_ai.llm.cost', '{cost}', 0.5]);
    expect([requests.descriptor.name, requests.descriptor.unit]).toEqual(['kong.gen_ai.request.count', '{request}']);
    expect(bandwidth.descriptor).toMatchObject({ name: 'kong.bandwidth', unit: 'By' });
    expect(bandwidth.dataPoints.map((p) => [p.attributes['network.io.direction'], p.value])).toEqual([
      ['receive', 100],
      ['transmit', 900],
    ]);
  });

  it("Kong's node gauges get OTel names and attributes", () => {
    const [conns, dict] = only(
      map(
        batchOf(
          gauge('kong_nginx_connections_total', [[{ node_id: 'n1', subsystem: 'http', state: 'active' }, 3]]),
          gauge('kong_memory_lua_shared_dict_bytes', [[{ node_id: 'n1', shared_dict: 'kong', kong_subsystem: 'http' }, 40960]]),
        ),
      ).batch,
    );
    expect(conns.descriptor.name).toBe('kong.nginx.connection.count');
    expect(conns.dataPoints[0].attributes).toEqual({ node_id: 'n1', 'kong.subsystem': 'http', 'kong.connection.state': 'active' });
    expect(dict.descriptor).toMatchObject({ name: 'kong.shared_dict.usage', unit: 'By' });
    expect(dict.dataPoints[0].attributes).toEqual({ node_id: 'n1', 'kong.shared_dict.name': 'kong', 'kong.subsystem': 'http' });
  });

  it('excluding an attribute adds the series that become one, exactly', () => {
    const r = map(
      batchOf(
        counter('kong_http_requests_total', [
          [{ service: 's', route: 'r', code: '200', source: 'service', workspace: 'w', consumer: 'alice' }, 5],
          [{ service: 's', route: 'r', code: '200', source: 'service', workspace: 'w', consumer: 'bob' }, 7],
        ]),
        histogram('kong_request_latency_ms', { service: 's', route: 'r1', workspace: 'w' }, [10, 100], [1, 1, 0], 60),
        histogram('kong_request_latency_ms', { service: 's', route: 'r2', workspace: 'w' }, [10, 100], [0, 2, 1], 500),
      ),
      false,
      ['kong.auth.consumer.name', 'kong.route.name'],
    );
    const [requests, latency1, latency2] = only(r.batch);
    expect(requests.dataPoints.map((p) => p.value)).toEqual([12]);
    // Two MetricData of one family stay separate here; each lost its route attribute.
    expect(latency1.dataPoints[0].attributes).toEqual({ 'kong.service.name': 's', 'kong.workspace.name': 'w' });
    expect(latency2.dataPoints[0].attributes).toEqual({ 'kong.service.name': 's', 'kong.workspace.name': 'w' });
  });

  it('unmapped series pass through untouched, or are dropped with drop_unmapped', () => {
    const b = batchOf(counter('kong_nginx_requests_total', [[{}, 5]]), counter('process_cpu_seconds_total', [[{}, 1]]), counter('kong_http_requests_total', [[{ code: '200' }, 1]]));
    const kept = map(b);
    expect(only(kept.batch).map((m) => m.descriptor.name)).toEqual(['kong_nginx_requests_total', 'process_cpu_seconds_total', 'http.server.request.count']);
    expect(only(kept.batch)[0]).toBe(b.resourceMetrics[0].scopeMetrics[0].metrics[0]);
    const dropped = map(b, true);
    expect(only(dropped.batch).map((m) => m.descriptor.name)).toEqual(['http.server.request.count']);
    expect(dropped.droppedPoints).toBe(2);
  });

  it('a batch with nothing Kong-named is the very same object (OTLP from Kong\'s own plugin)', () => {
    const b = batchOf(counter('http.server.request.count', [[{ 'kong.service.name': 's' }, 1]]));
    expect(map(b).batch).toBe(b);
  });

  it('a family in the wrong shape is not mapped (a counter rule never takes a gauge)', () => {
    const b = batchOf(gauge('kong_http_requests_total', [[{}, 1]]));
    expect(only(map(b).batch)[0].descriptor.name).toBe('kong_http_requests_total');
    expect(kongRuleFor('kong_ai_cache_fetch_latency_bucket')?.instrument).toBe('kong.gen_ai.cache.fetch.latency');
  });
});

describe("Kong's partial bucket layouts", () => {
  it('buckets Kong has not printed yet are filled with 0, so the layout stays the same when they appear', () => {
    // Kong ≤ EE 3.14.0.8 printed kong_kong_latency_ms from the first observed bucket up (the real page starts at le="5").
    const partial = histogram('kong_kong_latency_ms', { service: 's' }, [5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000], [1, ...new Array<number>(15).fill(0)], 4);
    const full = histogram('kong_kong_latency_ms', { service: 's' }, [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000], [1, 0, 1, ...new Array<number>(15).fill(0)], 5);
    const [a, b] = only(mapScrapedKongSeries(batchOf(partial, full), { dropUnmapped: false, excluded: new Set() }).batch);
    const va = a.dataPoints[0].value as { buckets: { boundaries: number[]; counts: number[] }; count: number };
    const vb = b.dataPoints[0].value as { buckets: { boundaries: number[]; counts: number[] } };
    expect(va.buckets.boundaries).toEqual(vb.buckets.boundaries);
    expect(va.buckets.counts.slice(0, 3)).toEqual([0, 0, 1]);
    expect(va.count).toBe(1);
  });

  it('a layout that is not a tail of Kong\'s is left as it is', () => {
    const odd = histogram('kong_request_latency_ms', {}, [30, 60], [1, 1, 0], 50);
    const [m] = only(mapScrapedKongSeries(batchOf(odd), { dropUnmapped: false, excluded: new Set() }).batch);
    expect((m.dataPoints[0].value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual([0.03, 0.06]);
  });
});
