import { describe, expect, it } from 'vitest';
import { ConfigError, formatIssue, parseConfig, type CollectorConfig } from '../../../core/index.js';
import { FACTORIES } from '../../../cmd/components.js';

/**
 * Issue 9 item 1 and beyond, against the real components: a value from `${env:…}` that a schema refuses
 * is named by its key path and its variable, never shown — whichever check refuses it (a type, a
 * duration, a size, an endpoint, a URL, a regular expression, a component's own message).
 */

interface Slots {
  receiver?: string;
  processors?: string;
  exporters?: string;
  service?: string;
  telemetry?: string;
}

function config(s: Slots): string {
  return `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:0
${s.receiver ?? ''}
processors:
  kong_metrics:
${s.processors ?? ''}
exporters:
  prometheus:
    endpoint: 127.0.0.1:0
${s.exporters ?? ''}
service:
${s.telemetry ?? '  telemetry:\n    metrics: { address: "" }'}
${s.service ?? ''}
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] }
`;
}

function load(s: Slots, env: Record<string, string>): { config?: CollectorConfig; issues: string[] } {
  try {
    return { config: parseConfig(config(s), 'x.yaml', FACTORIES, env), issues: [] };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { issues: err.issues.map(formatIssue) };
  }
}

const V = 's3cr3t-value-77';

describe('a refused ${env:} value is named, never shown', () => {
  it.each<[string, Slots, string, string[]]>([
    ['a duration', { processors: '    interval: ${env:V}' }, `*${V}`, [
      'processors.kong_metrics.interval: invalid duration ${env:V} (write it as the Collector does: "200ms", "10s", "5m", "25h")',
    ]],
    ['a size', { receiver: '    max_request_body_size: ${env:V}' }, `[${V}`, [
      'receivers.kong_http_log.max_request_body_size: invalid size ${env:V} (an integer of bytes, or a string such as "20MiB" or "512KB")',
    ]],
    ['a size, partly from the environment', { receiver: '    max_request_body_size: "${env:V}MiB"' }, `@${V}`, [
      'receivers.kong_http_log.max_request_body_size: invalid size "${env:V}MiB" (an integer of bytes, or a string such as "20MiB" or "512KB")',
    ]],
    ['an endpoint', { exporters: '  prometheus/x:\n    endpoint: ${env:V}' }, `%${V}`, [
      'exporters.prometheus/x.endpoint: must be host:port, e.g. "0.0.0.0:8080" or "localhost:9464" (its value comes from ${env:V})',
    ]],
    ['an enum, with a value that reads as a boolean', { processors: '    temporality: ${env:V}' }, 'true', [
      'processors.kong_metrics.temporality: must be one of: "cumulative", "delta" (its value comes from ${env:V})',
    ]],
    ['a list where a string is expected', { receiver: '    path: ${env:V}' }, `- ${V}`, [
      'receivers.kong_http_log.path: must be a URL path starting with "/" (no query, fragment or spaces), e.g. "/" or "/kong" (its value comes from ${env:V})',
    ]],
    ['a boolean field given text', { exporters: '  prometheus/x:\n    endpoint: 127.0.0.1:0\n    add_metric_suffixes: ${env:V}' }, `yes-${V}`, [
      'exporters.prometheus/x.add_metric_suffixes: expected boolean, got a string (its value comes from ${env:V})',
    ]],
    ['a URL', { exporters: '  otlphttp:\n    endpoint: ${env:V}' }, `\`${V}`, [
      'exporters.otlphttp.endpoint: endpoint must be an http:// or https:// URL, e.g. "https://{env-id}.live.dynatrace.com/api/v2/otlp" (its value comes from ${env:V})',
    ]],
    ['a header value with a line break', { exporters: '  otlphttp:\n    endpoint: http://127.0.0.1:1\n    headers: { Authorization: "Api-Token ${env:V}" }' }, `${V}\nX-Injected: 1`, [
      'exporters.otlphttp.headers.Authorization: header values must not contain line breaks (its value comes from ${env:V})',
    ]],
    ['a regular expression', { processors: '  cumulativetodelta:\n    include: { match_type: regexp, metrics: ["^${env:V}$"] }' }, `(${V}`, [
      expect.stringMatching(/^processors\.cumulativetodelta\.include\.metrics\[0\]: invalid regular expression "\^\$\{env:V\}\$": Invalid regular expression: \/\^\$\{env:V\}\$\/: Unterminated group/),
    ]],
    ['a component message that quotes the value', { processors: '  cumulativetodelta:\n    include: { metric_types: ["${env:V}"] }' }, `&${V}`, [
      'processors.cumulativetodelta.include.metric_types[0]: invalid metric type ${env:V}; valid values are sum, histogram, exponential_histogram (gauges and non-monotonic sums are never converted)',
    ]],
    ['a scrape target with credentials in it', { receiver: '  prometheus:\n    config: { scrape_configs: [{ job_name: kong, static_configs: [{ targets: ["${env:V}"] }] }] }' }, `https://user:${V}@kong:8100`, [
      'receivers.prometheus.config.scrape_configs[0].static_configs[0].targets[0]: write the target as host:port without a scheme (e.g. "kong:8100"); set scheme: https for HTTPS (its value comes from ${env:V})',
    ]],
    ['a service key', { service: '  shutdown_timeout: ${env:V}' }, `!${V}`, [
      'service.shutdown_timeout: invalid duration ${env:V} (write it as the Collector does: "200ms", "10s", "5m", "25h")',
    ]],
    ['the self-telemetry address', { telemetry: '  telemetry:\n    metrics: { address: "${env:V}" }' }, `?${V}`, [
      expect.stringMatching(/^service\.telemetry\.metrics\.address: .* \(its value comes from \$\{env:V\}\)$/),
    ]],
  ])('%s', (_name, slots, value, expected) => {
    const r = load(slots, { V: value });
    expect(r.issues).toEqual(expected);
    for (const issue of r.issues) {
      expect(issue).not.toContain(value);
      expect(issue).not.toContain(V);
    }
  });

  it.each<[string, Slots, string, (c: CollectorConfig) => unknown, unknown]>([
    ['a number-looking value in a string field stays text', { receiver: '    auth: { bearer_token: "${env:V}" }' }, '0x1F', (c) => c.components.receivers.get('kong_http_log')?.config, expect.objectContaining({ auth: { bearer_token: '0x1F' } })],
    ['and is a number in a number field', { processors: '  batch:\n    send_batch_size: ${env:V}' }, '0x10', (c) => c.components.processors.get('batch')?.config, expect.objectContaining({ send_batch_size: 16 })],
    ['a number-looking resource attribute in service stays text', { telemetry: '  telemetry:\n    metrics: { address: "" }\n    resource: { service.version: "${env:V}" }' }, '1.10', (c) => c.service.telemetry.resource, { 'service.version': '1.10' }],
    ['an indicator-shaped token is accepted verbatim', { receiver: '    auth: { bearer_token: "${env:V}" }' }, `*&!|>${V}`, (c) => c.components.receivers.get('kong_http_log')?.config, expect.objectContaining({ auth: { bearer_token: `*&!|>${V}` } })],
  ])('%s', (_name, slots, value, pick, expected) => {
    const c = parseConfig(config(slots), 'x.yaml', FACTORIES, { V: value });
    expect(pick(c)).toEqual(expected);
  });
});
