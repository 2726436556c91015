import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kongMetricsConfigSchema, kongMetricsFactory } from '../../../processors/kong_metrics/index.js';
import { zodMessages } from '../../support/config_errors.js';
import { readmeYaml } from '../../support/readme.js';

/** The config schema: defaults, accepted shapes, and the messages a user sees for refused ones. */

const issues = (config: unknown): string[] => zodMessages(kongMetricsConfigSchema, config);

describe('kong_metrics config', () => {
  it('declares itself as a logs+metrics → metrics processor', () => {
    expect(kongMetricsFactory.type).toBe('kong_metrics');
    expect(kongMetricsFactory.kind).toBe('processor');
    expect(kongMetricsFactory.accepts).toEqual(['logs', 'metrics']);
    expect(kongMetricsFactory.produces('logs')).toBe('metrics');
    expect(kongMetricsFactory.produces('metrics')).toBe('metrics');
  });

  it('parses {} to the full default config', () => {
    expect(kongMetricsConfigSchema.parse({})).toEqual({
      interval: 10_000,
      temporality: 'cumulative',
      naming: 'otel',
      exclude_attributes: [],
      http_known_methods: ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'],
      pricing: {},
      token_usage_as: 'sum',
      buckets: {},
      max_series_per_metric: 2_000,
      max_series: 10_000,
      drop_unmapped: false,
    });
  });

  it('accepts every key in the Collector’s spelling', () => {
    const c = kongMetricsConfigSchema.parse({
      interval: '1m30s',
      temporality: 'delta',
      exclude_attributes: ['kong.route.name'],
      pricing: { 'openai/gpt-4o': { input_per_million: 2.5, output_per_million: 10 }, 'meta/llama/3': { input_per_million: 0, output_per_million: 0 } },
      token_usage_as: 'histogram',
      buckets: { 'gen_ai.client.token.usage': [10, 100], 'kong.latency.total': [0.5] },
      max_series_per_metric: 50,
    });
    expect(c.interval).toBe(90_000);
    expect(c.buckets['gen_ai.client.token.usage']).toEqual([10, 100]);
  });

  it.each([
    [{ interval: 'soon' }, 'interval: invalid duration "soon"'],
    [{ interval: 0 }, 'interval: must be longer than 0'],
    [{ temporality: 'Delta' }, 'temporality: must be "cumulative" (Prometheus, Grafana Cloud) or "delta" (Dynatrace)'],
    [{ exclude_attributes: ['kong.consumer.name'] }, 'exclude_attributes.0: unknown attribute "kong.consumer.name"; did you mean "kong.auth.consumer.name"?'],
    [{ exclude_attributes: ['gen_ai.token.type'] }, 'exclude_attributes.0: gen_ai.token.type cannot be excluded'],
    [{ exclude_attributes: 'kong.route.name' }, 'exclude_attributes: must be a list of attribute names'],
    [{ http_known_methods: 'GET' }, 'http_known_methods: must be a list of HTTP method names'],
    [{ http_known_methods: ['GET', 'MY METHOD'] }, 'http_known_methods.1: must be an HTTP method name as Kong logs it'],
    [{ pricing: { 'gpt-4o': { input_per_million: 1, output_per_million: 1 } } }, 'pricing.gpt-4o: pricing keys are "provider/model"'],
    [{ pricing: { 'openai/gpt-4o': { input_per_million: 1 } } }, 'pricing.openai/gpt-4o.output_per_million: must be a number'],
    [{ pricing: { 'openai/gpt-4o': { input_per_million: -1, output_per_million: 1 } } }, 'pricing.openai/gpt-4o.input_per_million: must be ≥ 0'],
    [{ token_usage_as: 'gauge' }, 'token_usage_as: must be "sum"'],
    [{ buckets: { 'kong.latency.total': [1, 0.5] } }, 'buckets.kong.latency.total.1: bucket bounds must be strictly ascending: 0.5 follows 1'],
    [{ buckets: { 'kong.latency.total': [1, 1] } }, 'buckets.kong.latency.total.1: bucket bounds must be strictly ascending: 1 follows 1'],
    [{ buckets: { 'kong.latency.total': [] } }, 'buckets.kong.latency.total: must list at least one bucket bound'],
    [{ buckets: { 'kong.latency.totl': [1] } }, 'buckets.kong.latency.totl: unknown histogram "kong.latency.totl"; did you mean "kong.latency.total"?'],
    [{ buckets: { 'http.server.request.count': [1] } }, 'buckets.http.server.request.count: unknown histogram'],
    [{ buckets: { 'gen_ai.client.token.usage': [1] } }, 'buckets.gen_ai.client.token.usage: only used with token_usage_as: histogram'],
    [{ naming: 'kong', buckets: { 'kong.latency.total': [1] } }, 'buckets.kong.latency.total: not recorded under naming: kong'],
    [{ naming: 'Kong' }, 'naming: must be "otel" (OpenTelemetry instruments) or "kong"'],
    [{ max_series_per_metric: 0 }, 'max_series_per_metric: must be at least 1'],
    [{ max_series_per_metric: 1.5 }, 'max_series_per_metric: must be a whole number of series'],
    [{ max_series: 0 }, 'max_series: must be at least 1'],
    [{ max_series: '10k' }, 'max_series: must be a whole number of series'],
    [{ intervall: '10s' }, 'intervall'],
  ])('refuses %j with "%s…"', (config, message) => {
    const found = issues(config);
    expect(found.some((m) => m.startsWith(message) || m.includes(message)), found.join('\n')).toBe(true);
  });

  it('the README example is a valid config', () => {
    const blocks = readmeYaml('processors/kong_metrics');
    expect(blocks.length).toBeGreaterThan(0);
    const parsed = blocks.map((block) => {
      const tree = parse(block) as { processors: Record<string, unknown> };
      const ids = Object.keys(tree.processors).filter((id) => id === 'kong_metrics' || id.startsWith('kong_metrics/'));
      expect(ids.length).toBeGreaterThan(0);
      return Object.fromEntries(ids.map((id) => [id, kongMetricsConfigSchema.parse(tree.processors[id])]));
    });
    // "naming: kong": two processors on one receiver, one of each naming.
    expect(parsed.some((p) => p.kong_metrics?.naming === 'otel' && p['kong_metrics/kong']?.naming === 'kong')).toBe(true);
    // "Example", the last block.
    const example = parsed[parsed.length - 1].kong_metrics;
    expect(example.temporality).toBe('delta');
    expect(example.pricing['openai/gpt-4o']).toEqual({ input_per_million: 2.5, output_per_million: 10 });
  });
});
