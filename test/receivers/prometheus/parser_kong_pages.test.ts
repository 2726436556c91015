import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../../receivers/prometheus/parser.js';
import { summary } from './page_summary.js';

const fixture = (name: string): string => readFileSync(new URL(`../../testdata/kong/${name}`, import.meta.url), 'utf8');

describe('Kong Prometheus-plugin pages', () => {
  it('3.x /metrics page: 14 families, 94 samples, no errors, exact values', () => {
    const page = parseExposition(fixture('prometheus-plugin-3.x-metrics.txt'));
    expect(page.errorCount).toBe(0);
    expect(page.sampleCount).toBe(94);
    expect(page.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['kong_bandwidth_bytes', 'counter', 2],
      ['kong_datastore_reachable', 'gauge', 1],
      ['kong_http_requests_total', 'counter', 1],
      ['kong_node_info', 'gauge', 1],
      ['kong_kong_latency_ms', 'histogram', 16],
      ['kong_memory_lua_shared_dict_bytes', 'gauge', 11],
      ['kong_memory_lua_shared_dict_total_bytes', 'gauge', 11],
      ['kong_memory_workers_lua_vms_bytes', 'gauge', 8],
      ['kong_nginx_connections_total', 'gauge', 7],
      ['kong_nginx_metric_errors_total', 'counter', 1],
      ['kong_nginx_requests_total', 'gauge', 1],
      ['kong_nginx_timers', 'gauge', 2],
      ['kong_request_latency_ms', 'histogram', 16],
      ['kong_upstream_latency_ms', 'histogram', 16],
    ]);
    const s = summary(page).families;
    expect(s.find((f) => f.name === 'kong_http_requests_total')).toEqual({
      name: 'kong_http_requests_total',
      type: 'counter',
      help: 'HTTP status codes per Consumer/Service/Route in Kong Gateway',
      samples: [['', { service: 'google', route: 'google.route-1', code: '200', source: 'service', consumer: '' }, 1]],
    });
    const upstream = s.find((f) => f.name === 'kong_upstream_latency_ms');
    expect(upstream?.samples.slice(-3)).toEqual([
      ['_bucket', { service: 'google', route: 'google.route-1', le: '+Inf' }, 1],
      ['_count', { service: 'google', route: 'google.route-1' }, 1],
      ['_sum', { service: 'google', route: 'google.route-1' }, 2],
    ]);
    expect(s.find((f) => f.name === 'kong_memory_workers_lua_vms_bytes')?.samples[0][2]).toBe(64329517);
  });

  it('AI metrics as published (invalid # TYPE … bucket): read leniently, 7 families, 9 samples, 5 errors', () => {
    const page = parseExposition(fixture('prometheus-plugin-ai-metrics-as-published.txt'));
    expect(page.sampleCount).toBe(9);
    expect(page.families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['ai_llm_requests_total', 'counter', 1],
      ['ai_llm_cost_total', 'counter', 1],
      ['ai_llm_provider_latency', 'untyped', 1],
      ['ai_llm_provider_latency_ms', 'histogram', 1],
      ['ai_llm_tokens_total', 'counter', 3],
      ['ai_cache_fetch_latency', 'untyped', 1],
      ['ai_cache_embeddings_latency', 'untyped', 1],
    ]);
    expect(page.errors.map((e) => e.line)).toEqual([8, 16, 19, 21, 22]);
    const tokens = summary(page).families.find((f) => f.name === 'ai_llm_tokens_total');
    expect(tokens?.samples.map(([, l, v]) => [l.token_type, v])).toEqual([
      ['prompt_tokens', 1000],
      ['completion_tokens', 2000],
      ['total_tokens', 3000],
    ]);
    const latency = page.families.find((f) => f.name === 'ai_llm_provider_latency_ms');
    expect(latency?.help).toBe('AI latencies per ai_provider in Kong');
    expect(latency?.samples[0]).toMatchObject({ suffix: '_bucket', value: 2, line: 9 });
  });
});
