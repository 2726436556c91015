import { readFileSync } from 'node:fs';
import { DataPointType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { countDataPoints, SelfMetric } from '../../../core/index.js';
import { ScrapeMetric } from '../../../receivers/prometheus/index.js';
import { histogramValue, metric, numberValue, T0, times } from './helpers.js';
import { job, startReceiver, TargetServer, type ReceiverHarness } from './target_server.js';
import { stopAfterEach } from '../../support/teardown.js';

const KONG_PAGE = readFileSync(new URL('../../testdata/kong/prometheus-plugin-3.x-metrics.txt', import.meta.url), 'utf8');
const T1 = T0 + 10_000;
const T2 = T0 + 20_000;
const ROUTE = { service: 'google', route: 'google.route-1' };

/** The same page ten seconds later: requests and bytes counted on, the ingress counter reset (a Kong reload), a new series. */
function advancedPage(): string {
  const replace = (text: string, from: string, to: string): string => {
    if (!text.includes(from)) throw new Error(`fixture line not found: ${from}`);
    return text.replace(from, to);
  };
  let page = KONG_PAGE;
  page = replace(page, 'code="200",source="service",consumer=""} 1', 'code="200",source="service",consumer=""} 7');
  page = replace(
    page,
    '# HELP kong_node_info',
    'kong_http_requests_total{service="google",route="google.route-1",code="404",source="kong",consumer=""} 2\n# HELP kong_node_info',
  );
  page = replace(page, 'direction="egress",consumer=""} 264', 'direction="egress",consumer=""} 1264');
  page = replace(page, 'direction="ingress",consumer=""} 93', 'direction="ingress",consumer=""} 40');
  page = replace(page, 'state="active"} 9', 'state="active"} 12');
  // Four more requests: one ≤ 25 ms, two ≤ 50 ms, one of 900 ms.
  const bucket = (le: string, n: number): string => `kong_request_latency_ms_bucket{service="google",route="google.route-1",le="${le}"} ${n}`;
  for (const [le, n] of [['25', 2], ['50', 4], ['80', 4], ['100', 4], ['250', 4], ['400', 4], ['700', 4], ['1000', 5], ['2000', 5], ['5000', 5], ['10000', 5], ['30000', 5], ['60000', 5], ['+Inf', 5]] as const) {
    page = replace(page, bucket(le, 1), bucket(le, n));
  }
  page = replace(page, 'kong_request_latency_ms_count{service="google",route="google.route-1"} 1', 'kong_request_latency_ms_count{service="google",route="google.route-1"} 5');
  page = replace(page, 'kong_request_latency_ms_sum{service="google",route="google.route-1"} 6', 'kong_request_latency_ms_sum{service="google",route="google.route-1"} 1006');
  return page;
}

let server: TargetServer;
let h: ReceiverHarness;

stopAfterEach(() => [h, server]);

describe("scraping Kong's /metrics (the plugin's published page) over loopback HTTP", () => {
  it('scrapes every interval with exact cumulative values; start times kept, renewed on a reset', async () => {
    server = await TargetServer.start();
    server.body = KONG_PAGE;
    h = await startReceiver(job([server.address]));

    await h.advance(0);
    expect(server.requests).toHaveLength(1);
    const first = h.last().resourceMetrics;
    expect(countDataPoints(h.last())).toBe(49);
    expect(first).toHaveLength(1);
    expect(first[0].resource.attributes).toEqual({
      'service.name': 'kong',
      'service.instance.id': server.address,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'url.scheme': 'http',
    });
    expect(metric(first, 'kong_http_requests_total')).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true });
    expect(numberValue(first, 'kong_http_requests_total', { code: '200' })).toBe(1);
    expect(times(first, 'kong_http_requests_total', { code: '200' })).toEqual([T0, T0]);
    expect(numberValue(first, 'kong_bandwidth_bytes', { direction: 'ingress' })).toBe(93);
    expect(numberValue(first, 'kong_memory_lua_shared_dict_total_bytes', { shared_dict: 'kong_db_cache' })).toBe(134217728);
    expect(histogramValue(first, 'kong_kong_latency_ms', ROUTE)).toEqual({
      buckets: { boundaries: [5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000], counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      count: 1,
      sum: 4,
    });

    server.body = advancedPage();
    await h.advance(9_999);
    expect(server.requests).toHaveLength(1);
    await h.advance(1);
    expect(server.requests).toHaveLength(2);
    const second = h.last().resourceMetrics;
    expect(countDataPoints(h.last())).toBe(50);
    expect(numberValue(second, 'kong_http_requests_total', { code: '200' })).toBe(7);
    expect(times(second, 'kong_http_requests_total', { code: '200' })).toEqual([T0, T1]);
    // New since the first scrape: everything it counted happened after T0.
    expect(numberValue(second, 'kong_http_requests_total', { code: '404' })).toBe(2);
    expect(times(second, 'kong_http_requests_total', { code: '404' })).toEqual([T0, T1]);
    expect(numberValue(second, 'kong_bandwidth_bytes', { direction: 'egress' })).toBe(1264);
    expect(times(second, 'kong_bandwidth_bytes', { direction: 'egress' })).toEqual([T0, T1]);
    // 93 → 40: a reset. Its start moves past the old one (T0) so downstream sees a new start.
    expect(numberValue(second, 'kong_bandwidth_bytes', { direction: 'ingress' })).toBe(40);
    expect(times(second, 'kong_bandwidth_bytes', { direction: 'ingress' })).toEqual([T0 + 1, T1]);
    expect(numberValue(second, 'kong_nginx_connections_total', { state: 'active' })).toBe(12);
    expect(times(second, 'kong_nginx_connections_total', { state: 'active' })).toEqual([T1, T1]);
    expect(histogramValue(second, 'kong_request_latency_ms', ROUTE)).toEqual({
      buckets: {
        boundaries: [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000],
        counts: [2, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
      },
      count: 5,
      sum: 1006,
    });
    expect(times(second, 'kong_request_latency_ms', ROUTE)).toEqual([T0, T1]);

    // A third scrape: the renewed start stays while the counter grows again.
    server.body = advancedPage().replace('direction="ingress",consumer=""} 40', 'direction="ingress",consumer=""} 55');
    await h.advance(10_000);
    const third = h.last().resourceMetrics;
    expect(numberValue(third, 'kong_bandwidth_bytes', { direction: 'ingress' })).toBe(55);
    expect(times(third, 'kong_bandwidth_bytes', { direction: 'ingress' })).toEqual([T0 + 1, T2]);

    const labels = { receiver: 'prometheus', job: 'kong', instance: server.address };
    expect(h.telemetry.value(ScrapeMetric.up, labels)).toBe(1);
    expect(h.telemetry.value(ScrapeMetric.samples, labels)).toBe(95);
    expect(h.telemetry.value(ScrapeMetric.parseErrors, labels)).toBe(0);
    expect(h.telemetry.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'prometheus' })).toBe(49 + 50 + 50);
  });

  it('asks for the text format and gzip, says its timeout, and reads a gzipped answer', async () => {
    server = await TargetServer.start();
    server.body = KONG_PAGE;
    server.gzip = true;
    h = await startReceiver(job([server.address], { metrics_path: '/kong/metrics' }));
    await h.advance(0);
    expect(server.requests[0].path).toBe('/kong/metrics');
    expect(server.requests[0].headers).toMatchObject({
      accept: 'text/plain;version=0.0.4',
      'accept-encoding': 'gzip',
      'x-prometheus-scrape-timeout-seconds': '5',
    });
    expect(server.requests[0].headers.authorization).toBeUndefined();
    expect(countDataPoints(h.last())).toBe(49);
  });

  it('reads the AI page as Kong published it (invalid TYPE lines): 5 lines skipped and counted, 9 points kept', async () => {
    server = await TargetServer.start();
    server.body = readFileSync(new URL('../../testdata/kong/prometheus-plugin-ai-metrics-as-published.txt', import.meta.url), 'utf8');
    h = await startReceiver(job([server.address]));
    await h.advance(0);
    const rms = h.last().resourceMetrics;
    expect(countDataPoints(h.last())).toBe(9);
    expect(histogramValue(rms, 'ai_llm_provider_latency_ms', { ai_provider: 'provider1' })).toEqual({ buckets: { boundaries: [], counts: [2] }, count: 2 });
    expect(numberValue(rms, 'ai_llm_tokens_total', { token_type: 'completion_tokens' })).toBe(2000);
    expect(numberValue(rms, 'ai_cache_fetch_latency', { le: '+Inf' })).toBe(2);
    const labels = { receiver: 'prometheus', job: 'kong', instance: server.address };
    expect(h.telemetry.value(ScrapeMetric.up, labels)).toBe(1);
    expect(h.telemetry.value(ScrapeMetric.parseErrors, labels)).toBe(5);
  });

  it('spreads the targets of a job over its interval', async () => {
    const a = await TargetServer.start();
    const b = await TargetServer.start();
    server = a;
    try {
      a.body = b.body = 'up 1\n';
      h = await startReceiver(job([a.address, b.address]));
      await h.advance(0);
      expect([a.requests.length, b.requests.length]).toEqual([1, 0]);
      await h.advance(5_000);
      expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
      await h.advance(5_000);
      expect([a.requests.length, b.requests.length]).toEqual([2, 1]);
    } finally {
      await b.close();
    }
  });
});
