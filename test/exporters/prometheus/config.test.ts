import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusConfigSchema, prometheusExporterFactory } from '../../../exporters/prometheus/index.js';

const TESTDATA = new URL('../../testdata/prometheus/', import.meta.url);
const README = new URL('../../../exporters/prometheus/README.md', import.meta.url);

function exporterConfig(file: string): unknown {
  const tree = parse(readFileSync(new URL(file, TESTDATA), 'utf8')) as { exporters: Record<string, unknown> };
  return tree.exporters.prometheus ?? {};
}

const DEFAULTS = {
  endpoint: '0.0.0.0:9464',
  namespace: '',
  const_labels: {},
  add_metric_suffixes: true,
  resource_to_telemetry_conversion: { enabled: false },
  metric_expiration: 300_000,
  max_streams: 100_000,
  naming: 'otel',
  without_target_info: false,
  without_scope_info: false,
  read_timeout: 30_000,
  read_header_timeout: 10_000,
  idle_timeout: 65_000,
  max_connections: 4096,
};

describe('prometheus exporter config', () => {
  it('the factory names its type and signal', () => {
    expect(prometheusExporterFactory.type).toBe('prometheus');
    expect(prometheusExporterFactory.kind).toBe('exporter');
    expect(prometheusExporterFactory.accepts).toEqual(['metrics']);
  });

  it('an empty section gives every default (the Collector\'s port 9464 and 5m expiration)', () => {
    expect(prometheusConfigSchema.parse(exporterConfig('config_minimal.yaml'))).toEqual(DEFAULTS);
  });

  it('every key can be set', () => {
    expect(prometheusConfigSchema.parse(exporterConfig('config_full.yaml'))).toEqual({
      endpoint: '127.0.0.1:9999',
      namespace: 'kongtel',
      const_labels: { region: 'eu-west-1', cluster: 'prod' },
      add_metric_suffixes: false,
      resource_to_telemetry_conversion: { enabled: true },
      metric_expiration: 90_000,
      max_streams: 20_000,
      naming: 'kong',
      without_target_info: true,
      without_scope_info: true,
      auth: { bearer_token: 'scrape-token', basic: { username: 'prometheus', password: 'scrape-password' } },
      tls: { cert_file: '/etc/kongtel/metrics.crt', key_file: '/etc/kongtel/metrics.key' },
      read_timeout: 20_000,
      read_header_timeout: 5_000,
      idle_timeout: 120_000,
      max_connections: 64,
    });
  });

  it.each([
    ['config_invalid_endpoint.yaml', 'endpoint', /must be host:port, e\.g\. "0\.0\.0\.0:8080"/],
    ['config_invalid_namespace.yaml', 'namespace', /not starting with a digit \(e\.g\. "kongtel"\)/],
    ['config_invalid_const_label_name.yaml', 'const_labels.kong.region', /is not a Prometheus label name/],
    ['config_invalid_const_label_reserved.yaml', 'const_labels.job', /is set by the exporter itself/],
    ['config_invalid_const_label_value.yaml', 'const_labels.shard', /must be a string \(quote numbers/],
    ['config_invalid_expiration.yaml', 'metric_expiration', /invalid duration "soon"/],
    ['config_invalid_naming.yaml', 'naming', /.+/],
    ['config_unknown_key.yaml', '', /Unrecognized key: "endpont"/],
    ['config_invalid_resource_conversion.yaml', 'resource_to_telemetry_conversion', /Unrecognized key: "enable"/],
  ])('%s is refused at %s', (file, path, message) => {
    const result = prometheusConfigSchema.safeParse(exporterConfig(file));
    expect(result.success).toBe(false);
    const issues = result.error?.issues ?? [];
    expect(issues).toHaveLength(1);
    expect(issues[0].path.join('.')).toBe(path);
    expect(issues[0].message).toMatch(message);
  });

  it('the naming error lists the choices', () => {
    const issue = prometheusConfigSchema.safeParse({ naming: 'grafana' }).error?.issues[0];
    expect(issue?.code).toBe('invalid_value');
    expect(issue && 'values' in issue ? issue.values : []).toEqual(['otel', 'kong']);
  });

  it('every YAML example of the README parses against the schema', () => {
    const blocks = [...readFileSync(README, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    let checked = 0;
    for (const block of blocks) {
      const tree = parse(block) as { exporters?: Record<string, unknown> };
      for (const [id, config] of Object.entries(tree.exporters ?? {})) {
        if (id !== 'prometheus' && !id.startsWith('prometheus/')) continue;
        expect(() => prometheusConfigSchema.parse(config ?? {}), id).not.toThrow();
        checked++;
      }
    }
    expect(checked).toBe(3);
  });
});
