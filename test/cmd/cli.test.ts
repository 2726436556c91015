import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFile as writeConfig, ROOT, runKongtel } from '../support/processes.js';

const kongtel = runKongtel;
const configFile = (text: string): string => writeConfig(text, 'cli');

describe('kongtel CLI', () => {
  it('--version prints the package version; --help lists the commands', () => {
    const pkg = JSON.parse(spawnSync('cat', [join(ROOT, 'package.json')], { encoding: 'utf8' }).stdout) as { version: string };
    expect(kongtel(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    const help = kongtel(['--help']);
    expect(help.code).toBe(0);
    for (const word of ['--config', 'run', 'validate', 'print-config']) expect(help.stdout).toContain(word);
  });

  it('without --config it prints the help and fails', () => {
    const r = kongtel([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--config');
  });

  it('validate accepts the default pipelines.yaml', () => {
    const r = kongtel(['validate', '--config', join(ROOT, 'pipelines.yaml')]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('valid (1 pipeline: metrics)');
  });

  it('validate prints every error with its key path and exits 1', () => {
    const f = configFile(`
receivers:
  kong_http_log:
    endpoint: 0.0.0.0:8080
    max_request_body_size: lots
processors:
  kong_metrics:
    temporality: sometimes
exporters:
  prometheus:
    endpont: 0.0.0.0:9464
service:
  pipelines:
    metrics:
      receivers: [kong_http_logs]
      processors: [kong_metrics]
      exporters: [prometheus]
`);
    const r = kongtel(['validate', '--config', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n').slice(1).map((l) => l.trim());
    expect(lines).toEqual([
      'receivers.kong_http_log.max_request_body_size: invalid size "lots" (an integer of bytes, or a string such as "20MiB" or "512KB")',
      'processors.kong_metrics.temporality: must be one of: "cumulative", "delta"',
      'exporters.prometheus.endpont: unknown key (did you mean "endpoint"?)',
      'service.pipelines.metrics.receivers[0]: "kong_http_logs" is not defined (did you mean "kong_http_log"?)',
    ]);
  });

  it('run refuses a bad config with the same errors and exit code 1', () => {
    const f = configFile('receivers:\n  kong_http_log:\nservice:\n  pipelines:\n    metrics:\n      receivers: [kong_http_log]\n      exporters: [prometheus]\n');
    const r = kongtel(['--config', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('service.pipelines.metrics.exporters[0]: "prometheus" is not defined');
  });

  it('print-config shows the effective config with secrets and ${env:} values redacted', () => {
    const f = configFile(`
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:8080
    auth:
      bearer_token: literal-token-in-file
processors:
  kong_metrics:
exporters:
  prometheus:
    endpoint: \${env:PROM_ENDPOINT}
service:
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [prometheus]
`);
    const r = kongtel(['print-config', '--config', f], { PROM_ENDPOINT: '10.1.2.3:9464' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('endpoint: 127.0.0.1:8080');
    expect(r.stdout).toContain('bearer_token: "[REDACTED]"');
    expect(r.stdout).toContain('endpoint: "[REDACTED]"');
    expect(r.stdout).not.toContain('literal-token-in-file');
    expect(r.stdout).not.toContain('10.1.2.3');
  });

  it('print-config redacts credentials in URL userinfo and query, and keeps keys that only look like secrets', () => {
    const f = configFile(`
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:8080
processors:
  kong_metrics:
    token_usage_as: histogram
exporters:
  otlphttp:
    endpoint: https://instance-42:glc_PASSWORD_in_url@otlp-gateway.grafana.net/otlp
  otlphttp/b:
    metrics_endpoint: https://TOKEN_AS_USER@backend.example/v1/metrics?api_key=KEY_IN_QUERY&region=eu
service:
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [otlphttp, otlphttp/b]
`);
    const r = kongtel(['print-config', '--config', f]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('endpoint: https://[REDACTED]@otlp-gateway.grafana.net/otlp');
    expect(r.stdout).toContain('metrics_endpoint: https://[REDACTED]@backend.example/v1/metrics?api_key=[REDACTED]&region=eu');
    expect(r.stdout).toContain('token_usage_as: histogram');
    for (const secret of ['glc_PASSWORD_in_url', 'TOKEN_AS_USER', 'KEY_IN_QUERY', 'instance-42']) expect(r.stdout + r.stderr).not.toContain(secret);
  });
});
