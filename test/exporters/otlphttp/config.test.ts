import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricsUrl, otlpHttpConfigSchema } from '../../../exporters/otlphttp/config.js';
import { otlpHttpExporterFactory } from '../../../exporters/otlphttp/index.js';
import { zodMessages } from '../../support/config_errors.js';
import { readmeYaml } from '../../support/readme.js';

const issues = (config: unknown): string[] => zodMessages(otlpHttpConfigSchema, config);

describe('otlphttp config', () => {
  it('is registered as type otlphttp, taking metrics', () => {
    expect(otlpHttpExporterFactory).toMatchObject({ kind: 'exporter', type: 'otlphttp', accepts: ['metrics'] });
  });

  it('fills the Collector defaults', () => {
    expect(otlpHttpConfigSchema.parse({ endpoint: 'https://abc123.live.dynatrace.com/api/v2/otlp' })).toEqual({
      endpoint: 'https://abc123.live.dynatrace.com/api/v2/otlp',
      headers: {},
      auth: {},
      encoding: 'proto',
      compression: 'gzip',
      timeout: 30_000,
      tls: { insecure_skip_verify: false },
      retry_on_failure: {
        enabled: true,
        initial_interval: 5_000,
        max_interval: 30_000,
        max_elapsed_time: 300_000,
        multiplier: 1.5,
        randomization_factor: 0.5,
      },
      sending_queue: { enabled: true, num_consumers: 10, queue_size: 1000 },
    });
  });

  const urls: [string, Record<string, string>, string][] = [
    ['endpoint gets /v1/metrics', { endpoint: 'https://abc.live.dynatrace.com/api/v2/otlp' }, 'https://abc.live.dynatrace.com/api/v2/otlp/v1/metrics'],
    ['trailing slash', { endpoint: 'https://otlp-gateway-prod-eu-west-0.grafana.net/otlp/' }, 'https://otlp-gateway-prod-eu-west-0.grafana.net/otlp/v1/metrics'],
    ['bare host', { endpoint: 'http://collector:4318' }, 'http://collector:4318/v1/metrics'],
    ['metrics_endpoint verbatim', { metrics_endpoint: 'http://collector:4318/custom' }, 'http://collector:4318/custom'],
    ['metrics_endpoint wins', { endpoint: 'http://a:1', metrics_endpoint: 'http://b:2/m' }, 'http://b:2/m'],
  ];
  for (const [name, raw, want] of urls) {
    it(`URL: ${name}`, () => expect(metricsUrl(otlpHttpConfigSchema.parse(raw)).href).toBe(want));
  }

  const refused: [string, unknown, string][] = [
    ['no endpoint', {}, 'endpoint: required: set endpoint (base URL, /v1/metrics is appended, e.g. "https://{env-id}.live.dynatrace.com/api/v2/otlp") or metrics_endpoint (full URL)'],
    ['host:port is not a URL', { endpoint: 'localhost:4318' }, 'endpoint: endpoint must be an http:// or https:// URL, e.g. "https://{env-id}.live.dynatrace.com/api/v2/otlp"'],
    ['grpc scheme', { metrics_endpoint: 'grpc://x:4317' }, 'metrics_endpoint: metrics_endpoint must be an http:// or https:// URL, e.g. "https://{env-id}.live.dynatrace.com/api/v2/otlp"'],
    ['unknown encoding', { endpoint: 'http://x', encoding: 'xml' }, 'encoding: Invalid option: expected one of "proto"|"json"'],
    ['unknown compression', { endpoint: 'http://x', compression: 'zstd' }, 'compression: Invalid option: expected one of "gzip"|"none"'],
    ['bad duration', { endpoint: 'http://x', timeout: '30 seconds' }, 'timeout: invalid duration "30 seconds" (write it as the Collector does: "200ms", "10s", "5m", "25h")'],
    ['zero timeout', { endpoint: 'http://x', timeout: 0 }, 'timeout: must be greater than 0, e.g. "30s"'],
    ['max_elapsed below max_interval', { endpoint: 'http://x', retry_on_failure: { max_elapsed_time: '10s' } }, 'retry_on_failure.max_elapsed_time: must be 0 (retry forever) or at least max_interval and initial_interval'],
    ['max_interval below initial', { endpoint: 'http://x', retry_on_failure: { initial_interval: '1m' } }, 'retry_on_failure.max_interval: must not be less than initial_interval'],
    ['jitter above 1', { endpoint: 'http://x', retry_on_failure: { randomization_factor: 2 } }, 'retry_on_failure.randomization_factor: must be between 0 and 1'],
    ['no consumers', { endpoint: 'http://x', sending_queue: { num_consumers: 0 } }, 'sending_queue.num_consumers: must be a whole number of at least 1'],
    ['basic auth and Authorization header', { endpoint: 'http://x', headers: { authorization: 'Bearer t' }, auth: { basic: { username: 'u', password: 'p' } } }, 'auth.basic: conflicts with headers.Authorization: keep one of them'],
    ['header value with a line break', { endpoint: 'http://x', headers: { 'X-A': 'a\r\nX-B: b' } }, 'headers.X-A: header values must not contain line breaks'],
    ['Collector-style authenticator', { endpoint: 'http://x', auth: { authenticator: 'basicauth/client' } }, 'auth.authenticator: kongtel has no authenticator extensions: write the credentials here, auth: { basic: { username, password } }, or a header, headers: { Authorization: "..." }'],
  ];
  for (const [name, raw, want] of refused) {
    it(`refuses: ${name}`, () => expect(issues(raw)).toContain(want));
  }

  it('the README example parses', () => {
    const blocks = readmeYaml('exporters/otlphttp');
    expect(blocks).toHaveLength(1);
    const doc = parse(blocks[0]) as { exporters: Record<string, unknown> };
    const ids = Object.keys(doc.exporters);
    expect(ids).toEqual(['otlp_http/dynatrace', 'otlphttp/grafana']);
    for (const id of ids) expect(issues(doc.exporters[id])).toEqual([]);
    const dt = otlpHttpConfigSchema.parse(doc.exporters['otlp_http/dynatrace']);
    expect(metricsUrl(dt).pathname).toBe('/api/v2/otlp/v1/metrics');
    expect(dt.retry_on_failure.max_elapsed_time).toBe(0);
  });
});
