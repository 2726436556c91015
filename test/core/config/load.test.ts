import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, formatIssue, loadConfigFile, parseConfig, type ProcessorFactory, type ReceiverFactory } from '../../../core/index.js';
import { FAKE_FACTORIES } from '../../support/fake_factories.js';
import { configIssues } from '../../support/config_errors.js';

const dir = new URL('../../testdata/config/', import.meta.url).pathname;

function errorsOf(file: string, env: Record<string, string> = {}): string[] {
  return configIssues(() => loadConfigFile(dir + file, FAKE_FACTORIES, env));
}

describe('config loading', () => {
  it('loads a full config: ids with names, defaults, durations, env substitution', () => {
    const c = loadConfigFile(dir + 'valid_full.yaml', FAKE_FACTORIES, { PROM_PORT: '9999' });
    expect([...c.components.receivers.keys()]).toEqual(['kong_http_log', 'kong_http_log/edge', 'otlp']);
    expect(c.components.receivers.get('kong_http_log')?.config).toEqual({ endpoint: '127.0.0.1:8080', path: '/' });
    expect(c.components.receivers.get('kong_http_log/edge')?.config).toEqual({ endpoint: '0.0.0.0:8080', path: '/kong' });
    expect(c.components.processors.get('kong_metrics')?.config).toEqual({ interval: 5000 });
    expect(c.components.processors.get('batch')?.config).toEqual({ timeout: 200, send_batch_size: 8192 });
    expect(c.components.exporters.get('prometheus')?.config).toEqual({ endpoint: '127.0.0.1:9999', naming: 'otel' });
    expect(c.service.shutdown_timeout).toBe(20_000);
    expect(c.service.telemetry.metrics.address).toBe('');
    expect(c.pipelines.map((p) => p.id)).toEqual(['metrics', 'metrics/kong']);
    expect(c.fromEnv.has('exporters.prometheus.endpoint')).toBe(true);
    expect(c.fromEnv.has('receivers.kong_http_log.endpoint')).toBe(true);
    expect(c.warnings).toEqual([]);
  });

  it('warns about unset variables and unused components instead of failing', () => {
    const c = loadConfigFile(dir + 'valid_full.yaml', FAKE_FACTORIES, { PROM_PORT: '9999', LISTEN: '' });
    expect(c.components.receivers.get('kong_http_log')?.config).toEqual({ endpoint: '127.0.0.1:8080', path: '/' });
    const text = 'receivers: { kong_http_log: { path: "${env:KONG_PATH}" }, otlp: }\nprocessors: { kong_metrics: }\nexporters: { prometheus: }\nservice: { pipelines: { metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] } } }\n';
    expect(parseConfig(text, 'x.yaml', FAKE_FACTORIES, {}).warnings).toEqual([
      'receivers.kong_http_log.path: environment variable KONG_PATH is not set; using ""',
      'receivers.otlp: defined but not used in any pipeline; it will not run',
    ]);
  });

  it('says when an invalid value came from an unset variable', () => {
    expect(errorsOf('valid_full.yaml')).toEqual([
      'exporters.prometheus.endpoint: must be host:port, e.g. "0.0.0.0:8080" or "localhost:9464" (its value comes from ${env:PROM_PORT}, which is not set)',
    ]);
  });

  it.each([
    ['invalid_unknown_key.yaml', ['exporters.prometheus.endpont: unknown key (did you mean "endpoint"?)', 'service.pipelines.metrics.processors[0]: "kong_metrics" is not defined']],
    ['invalid_undefined_receiver.yaml', ['service.pipelines.metrics.receivers[0]: "kong_http_logs" is not defined (did you mean "kong_http_log"?)']],
    [
      'invalid_logs_without_kong_metrics.yaml',
      ['service.pipelines.metrics.processors[0]: receiver "kong_http_log" produces Kong log entries, so the pipeline\'s first processor must be kong_metrics (found "batch")'],
    ],
  ])('%s names every error with its key path', (file, expected) => {
    expect(errorsOf(file)).toEqual(expected);
  });

  it('collects every error of a broken config in one pass', () => {
    expect(errorsOf('invalid_many.yaml')).toEqual([
      'recievers: unknown key (did you mean "receivers"?)',
      'processors.kong_metrics.interval: invalid duration "soon" (write it as the Collector does: "200ms", "10s", "5m", "25h")',
      'processors.batch.send_batch_size: Too small: expected number to be >0',
      'exporters.prometheus.endpoint: must be host:port, e.g. "0.0.0.0:8080" or "localhost:9464"',
      'exporters.zipkin: unknown exporter type "zipkin"; known: prometheus',
      'service.extensions[0]: "health_chek" is not defined (did you mean "health_check"?)',
      'service.pipelines.metrics.exporters: a pipeline needs at least one exporter',
      'service.pipelines.traces: unsupported pipeline "traces": kongtel pipelines carry metrics; name them "metrics" or "metrics/<name>" (Kong log receivers feed a metrics pipeline through kong_metrics)',
      // "prometheus" is written (its endpoint is the error above), so it is not reported again here.
      'service.pipelines.traces.receivers[0]: "otlp" is not defined',
    ]);
  });

  it.each([
    ['not yaml: [', /YAML syntax error at line 1, column 12: Flow sequence/],
    ['- a\n- b\n', /the config must be a YAML map/],
    ['receivers:\n  kong_http_log:\n  kong_http_log:\n', /YAML syntax error at line 3, column 1: a key is repeated in the same map/],
    ['receivers:\n  Kong:\n', /receivers\.Kong: invalid component id/],
    ['receivers: {}\n', /service: required/],
  ])('refuses %j', (text, message) => {
    expect(() => parseConfig(text, 'x.yaml', FAKE_FACTORIES, {})).toThrow(message);
  });

  it('processors before kong_metrics that take metrics only are refused; kong_metrics later in the chain is named', () => {
    const text = `
receivers: { kong_http_log: }
processors: { kong_metrics: , batch: }
exporters: { prometheus: }
service:
  pipelines:
    metrics: { receivers: [kong_http_log], exporters: [prometheus] }
`;
    expect(() => parseConfig(text, 'x.yaml', FAKE_FACTORIES, {})).toThrow(
      `service.pipelines.metrics.processors: receiver "kong_http_log" produces Kong log entries, so the pipeline's first processor must be kong_metrics (the pipeline has no processors)`,
    );
  });

  it('reports a missing file plainly', () => {
    expect(() => loadConfigFile('/nonexistent/pipelines.yaml', FAKE_FACTORIES, {})).toThrow('/nonexistent/pipelines.yaml: 1 config error:\n  file not found');
  });
});

describe('typed ${env:} values', () => {
  it('a numeric variable fills a string field as text and a number field as a number', () => {
    const text = `
receivers:
  kong_http_log:
    path: \${env:ID}
processors:
  batch:
    send_batch_size: \${env:SIZE}
exporters: { prometheus: }
service:
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics_missing], exporters: [prometheus] }
`;
    expect(() => parseConfig(text, 'x.yaml', FAKE_FACTORIES, { ID: '123', SIZE: '500' })).toThrow(
      'service.pipelines.metrics.processors[0]: "kong_metrics_missing" is not defined',
    );
    const ok = parseConfig(text.replace('[kong_metrics_missing]', '[]').replace('[kong_http_log]', '[otlp]').replace('kong_http_log:', 'otlp:'), 'x.yaml', FAKE_FACTORIES, {
      ID: '123',
      SIZE: '500',
    });
    expect(ok.components.receivers.get('otlp')?.config).toEqual({ endpoint: '0.0.0.0:8080', path: '123' });
    expect(ok.components.processors.get('batch')?.config).toEqual({ timeout: 200, send_batch_size: 500 });
  });
});

describe('failures inside the checks themselves are config errors', () => {
  const throwingSchema = z.strictObject({ path: z.string().refine((v) => {
      throw new Error(`bug with ${v} near https://user:hunter2@backend`);
    }), });
  const throwingReceiver: ReceiverFactory = { ...(FAKE_FACTORIES[0] as ReceiverFactory), type: 'broken', configSchema: throwingSchema };
  const throwingProcessor: ProcessorFactory = {
    ...(FAKE_FACTORIES.find((f) => f.type === 'batch') as ProcessorFactory),
    type: 'durable',
    durable: {
      logPositionsKey: () => {
        throw new TypeError('hook bug');
      },
    },
  };
  const factories = [...FAKE_FACTORIES, throwingReceiver, throwingProcessor];

  it("a component schema that throws: an error at the component's key path, credentials and env values scrubbed", () => {
    const text = 'receivers: { broken: { path: "${env:P}" } }\nexporters: { prometheus: }\nservice: { pipelines: { metrics: { receivers: [broken], exporters: [prometheus] } } }\n';
    let thrown: unknown;
    try {
      parseConfig(text, 'x.yaml', factories, { P: 'value-from-env' });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).issues.map(formatIssue)).toEqual([
      'receivers.broken: could not be checked (Error: bug with ${env:P} near https://[REDACTED]@backend); this is a bug in kongtel, please report it',
    ]);
  });

  it('a factory hook that throws during the graph check: an error at the pipeline', () => {
    const text = 'receivers: { otlp: }\nprocessors: { durable: }\nexporters: { prometheus: }\nservice: { pipelines: { metrics: { receivers: [otlp], processors: [durable], exporters: [prometheus] } } }\n';
    expect(() => parseConfig(text, 'x.yaml', factories, {})).toThrow(
      'service.pipelines.metrics: could not be checked (hook bug); this is a bug in kongtel, please report it',
    );
  });
});
