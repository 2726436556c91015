import { describe, expect, it } from 'vitest';
import { KONG_FAMILY_RULES } from '../../../exporters/prometheus/index.js';
import { T0, batchOf, gauge, harness, histogram, hv, sampleValue, samples, sum } from './builders.js';
import { HTTP_LATENCY_BOUNDS, kongMetricsBatch, observed } from './kong_fixture.js';

// Kong's own label sets carry no scope labels; no job/instance when the resource has no service.*.
const KONG = { naming: 'kong', without_scope_info: true, without_target_info: true };
const ROUTE = { 'kong.service.name': 'orders', 'kong.route.name': 'orders-route', 'kong.workspace.name': 'default' };
const ID = 'job="kongtel",instance="pod-1"';

function lines(text: string, family: string): string[] {
  return samples(text).filter((l) => l.startsWith(`${family}{`) || l.startsWith(`${family}_`));
}

describe('naming: kong — Kong Prometheus-plugin families', () => {
  it('kong_http_requests_total: Kong labels, source upstream → service, streams that differ only by method added up', async () => {
    const { exporter } = harness(KONG);
    await exporter.consume(kongMetricsBatch());
    expect(lines(exporter.scrape(), 'kong_http_requests_total')).toEqual([
      `kong_http_requests_total{service="orders",route="orders-route",code="200",source="service",workspace="default",consumer="alice",${ID}} 5`,
      `kong_http_requests_total{service="orders",route="orders-route",code="401",source="kong",workspace="default",consumer="",${ID}} 1`,
    ]);
  });

  it('latency histograms in milliseconds: le and sum × 1000, counts unchanged', async () => {
    const { exporter } = harness(KONG);
    await exporter.consume(kongMetricsBatch());
    const text = exporter.scrape();
    const labels = `service="orders",route="orders-route",workspace="default",${ID}`;
    const buckets = lines(text, 'kong_request_latency_ms').filter((l) => l.includes('_bucket'));
    expect(buckets.map((l) => /le="([^"]+)"/.exec(l)?.[1])).toEqual([
      '5', '10', '25', '50', '75', '100', '250', '500', '750', '1000', '2500', '5000', '7500', '10000', '30000', '60000', '+Inf',
    ]);
    // observations 4, 12, 30, 70, 250, 1200 ms
    expect(sampleValue(text, `kong_request_latency_ms_bucket{${labels},le="5"}`)).toBe(1);
    expect(sampleValue(text, `kong_request_latency_ms_bucket{${labels},le="75"}`)).toBe(4);
    expect(sampleValue(text, `kong_request_latency_ms_bucket{${labels},le="250"}`)).toBe(5);
    expect(sampleValue(text, `kong_request_latency_ms_sum{${labels}}`)).toBe(1566);
    expect(sampleValue(text, `kong_request_latency_ms_count{${labels}}`)).toBe(6);
    expect(sampleValue(text, `kong_kong_latency_ms_sum{${labels}}`)).toBe(13);
    expect(sampleValue(text, `kong_upstream_latency_ms_sum{${labels}}`)).toBe(1538);
    const ai = `ai_provider="openai",ai_model="gpt-4o",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="default",consumer="alice",request_mode="oneshot",${ID}`;
    expect(sampleValue(text, `kong_ai_llm_provider_latency_ms_bucket{${ai},le="1280"}`)).toBe(1);
    expect(sampleValue(text, `kong_ai_llm_provider_latency_ms_sum{${ai}}`)).toBe(1150);
    const hit = `ai_provider="openai",ai_model="gpt-4o",cache_status="hit",vector_db="redis",embeddings_provider="openai",embeddings_model="text-embedding-3-large",workspace="default",consumer="alice",request_mode="oneshot",${ID}`;
    expect(sampleValue(text, `kong_ai_cache_fetch_latency_ms_sum{${hit}}`)).toBe(2);
    expect(sampleValue(text, `kong_ai_cache_embeddings_latency_ms_sum{${hit}}`)).toBe(25);
  });

  it('kong_bandwidth_bytes: the summed bytes of the size histograms, ingress and egress', async () => {
    const { exporter } = harness(KONG);
    await exporter.consume(kongMetricsBatch());
    const text = exporter.scrape();
    expect(text).toContain('# TYPE kong_bandwidth_bytes counter\n');
    const alice = (dir: string) => `kong_bandwidth_bytes{service="orders",route="orders-route",direction="${dir}",workspace="default",consumer="alice",${ID}}`;
    expect(sampleValue(text, alice('ingress'))).toBe(320 + 1480 + 512 + 610 + 700);
    expect(sampleValue(text, alice('egress'))).toBe(1200 + 5400 + 880 + 640 + 15000);
  });

  it('kong_ai_llm_tokens_total: token_type prompt/completion/total, AI labels, cost', async () => {
    const { exporter } = harness(KONG);
    await exporter.consume(kongMetricsBatch());
    const text = exporter.scrape();
    const ai = 'ai_provider="openai",ai_model="gpt-4o",cache_status="",vector_db="",embeddings_provider="",embeddings_model=""';
    expect(lines(text, 'kong_ai_llm_tokens_total')).toEqual([
      `kong_ai_llm_tokens_total{${ai},token_type="prompt_tokens",workspace="default",consumer="alice",${ID}} 25`,
      `kong_ai_llm_tokens_total{${ai},token_type="completion_tokens",workspace="default",consumer="alice",${ID}} 12`,
      `kong_ai_llm_tokens_total{${ai},token_type="total_tokens",workspace="default",consumer="alice",${ID}} 37`,
    ]);
    expect(lines(text, 'kong_ai_llm_cost_total')).toEqual([`kong_ai_llm_cost_total{${ai},workspace="default",consumer="alice",request_mode="oneshot",${ID}} 0.00037`]);
  });

  it('instruments without a Kong twin keep their OTel names', async () => {
    const { exporter } = harness(KONG);
    await exporter.consume(kongMetricsBatch());
    const types = exporter.scrape().split('\n').filter((l) => l.startsWith('# TYPE'));
    expect(types).toEqual([
      '# TYPE gen_ai_client_operation_duration_seconds histogram',
      '# TYPE gen_ai_server_time_per_output_token_seconds histogram',
      '# TYPE gen_ai_server_time_to_first_token_seconds histogram',
      '# TYPE kong_ai_cache_embeddings_latency_ms histogram',
      '# TYPE kong_ai_cache_fetch_latency_ms histogram',
      '# TYPE kong_ai_llm_cost_total counter',
      '# TYPE kong_ai_llm_provider_latency_ms histogram',
      '# TYPE kong_ai_llm_tokens_total counter',
      '# TYPE kong_ai_mcp_error_total counter',
      '# TYPE kong_ai_mcp_latency_ms histogram',
      '# TYPE kong_ai_mcp_response_body_size_bytes histogram',
      '# TYPE kong_bandwidth_bytes counter',
      '# TYPE kong_gen_ai_mcp_acl_allowed_total counter',
      '# TYPE kong_http_requests_total counter',
      '# TYPE kong_kong_latency_ms histogram',
      '# TYPE kong_request_latency_ms histogram',
      '# TYPE kong_upstream_latency_ms histogram',
    ]);
  });

  it('a stream that stops is carried, so the Kong series never goes down; the series goes when all its streams have', async () => {
    const { exporter, clock } = harness(KONG);
    const requests = (method: string, value: number, at: number) =>
      sum('http.server.request.count', '{request}', [
        { attrs: { ...ROUTE, 'http.request.method': method, 'kong.response.status_code': 200, 'kong.response.source': 'upstream' }, value, at },
      ]);
    const series = `kong_http_requests_total{service="orders",route="orders-route",code="200",source="service",workspace="default",consumer="",${ID}}`;
    await exporter.consume(batchOf(requests('GET', 3, T0), requests('POST', 2, T0)));
    expect(sampleValue(exporter.scrape(), series)).toBe(5);
    clock.advance(4 * 60_000);
    await exporter.consume(batchOf(requests('POST', 4, T0 + 240_000)));
    expect(sampleValue(exporter.scrape(), series)).toBe(7);
    clock.advance(2 * 60_000); // GET is now 6 minutes old and expires
    expect(sampleValue(exporter.scrape(), series)).toBe(7);
    expect(exporter.streamCount).toBe(1);
    await exporter.consume(batchOf(requests('POST', 6, T0 + 360_000)));
    expect(sampleValue(exporter.scrape(), series)).toBe(9);
    clock.advance(5 * 60_000 + 1);
    expect(exporter.scrape()).toBe('');
  });

  it('delta input is accumulated the same way', async () => {
    const { exporter } = harness(KONG);
    for (let i = 0; i < 3; i++) {
      await exporter.consume(
        batchOf(
          histogram('kong.latency.total', 's', [{ attrs: { ...ROUTE, 'kong.auth.consumer.name': `c${i}` }, value: observed(HTTP_LATENCY_BOUNDS, [0.02 * (i + 1)]), at: T0 + i }], {
            temporality: 'delta',
          }),
        ),
      );
    }
    const text = exporter.scrape();
    const labels = `service="orders",route="orders-route",workspace="default",${ID}`;
    expect(sampleValue(text, `kong_request_latency_ms_count{${labels}}`)).toBe(3);
    expect(sampleValue(text, `kong_request_latency_ms_sum{${labels}}`)).toBe(120);
    expect(sampleValue(text, `kong_request_latency_ms_bucket{${labels},le="25"}`)).toBe(1);
    expect(sampleValue(text, `kong_request_latency_ms_bucket{${labels},le="50"}`)).toBe(2);
    expect(sampleValue(text, `kong_request_latency_ms_bucket{${labels},le="75"}`)).toBe(3);
  });

  it.each([
    ['http.response.status_code (Kong 3.14 OTLP) fills code', sum('http.server.request.count', '{request}', [{ attrs: { 'http.response.status_code': 503, 'kong.response.source': 'kong' }, value: 1 }]), `kong_http_requests_total{service="",route="",code="503",source="kong",workspace="",consumer="",${ID}} 1`],
    ['kong.bandwidth with network.io.direction', sum('kong.bandwidth', 'By', [{ attrs: { ...ROUTE, 'network.io.direction': 'receive' }, value: 512 }]), `kong_bandwidth_bytes{service="orders",route="orders-route",direction="ingress",workspace="default",consumer="",${ID}} 512`],
    ['token usage recorded as a histogram (semconv option): the sum of tokens', histogram('gen_ai.client.token.usage', '{token}', [{ attrs: { 'gen_ai.token.type': 'output' }, value: hv([1, 4, 16, 64], [0, 0, 1, 1, 0], 70) }]), `kong_ai_llm_tokens_total{ai_provider="",ai_model="",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",token_type="completion_tokens",workspace="",consumer="",${ID}} 70`],
    ['kong.gen_ai.request.count', sum('kong.gen_ai.request.count', '{request}', [{ attrs: { 'gen_ai.provider.name': 'anthropic' }, value: 4 }]), `kong_ai_llm_requests_total{ai_provider="anthropic",ai_model="",cache_status="",vector_db="",embeddings_provider="",embeddings_model="",workspace="",consumer="",request_mode="",${ID}} 4`],
    ['a twin in the wrong shape (gauge) keeps its OTel name', gauge('kong.latency.total', 's', [{ value: 0.5 }]), `kong_latency_total_seconds{${ID}} 0.5`],
    ['a latency histogram already in ms is not scaled', histogram('kong.latency.internal', 'ms', [{ value: hv([5], [1, 0], 3) }]), `kong_kong_latency_ms_bucket{service="",route="",workspace="",${ID},le="5"} 1`],
  ])('%s', async (_name, metric, expected) => {
    const { exporter } = harness(KONG);
    await exporter.consume(batchOf(metric));
    expect(samples(exporter.scrape())).toContain(expected);
  });

  it('namespace prefixes Kong names too; resource attributes and const labels never replace Kong labels', async () => {
    const { exporter } = harness({
      ...KONG,
      namespace: 'edge',
      const_labels: { service: 'const-wins-not', region: 'eu' },
      resource_to_telemetry_conversion: { enabled: true },
    });
    await exporter.consume(batchOf(sum('http.server.request.count', '{request}', [{ attrs: ROUTE, value: 1 }])));
    expect(samples(exporter.scrape())).toEqual([
      `edge_kong_http_requests_total{service="orders",route="orders-route",code="",source="",workspace="default",consumer="",service_instance_id="pod-1",service_name="kongtel",region="eu",${ID}} 1`,
    ]);
  });

  it('the mapping table names each instrument once and only Kong families', () => {
    const instruments = KONG_FAMILY_RULES.map((r) => r.instrument);
    expect(new Set(instruments).size).toBe(instruments.length);
    for (const r of KONG_FAMILY_RULES) expect(r.family).toMatch(/^kong_/);
  });
});
