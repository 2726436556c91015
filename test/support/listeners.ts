import type https from 'node:https';
import { serviceSchema } from '../../core/config/service.js';
import { SELF_METRICS_TIMEOUTS, SelfMetricsServer } from '../../core/pipeline/self_metrics_server.js';
import { SelfTelemetry, parseDuration, systemClock, type Logger } from '../../core/index.js';
import { PrometheusExporter, prometheusExporterFactory } from '../../exporters/prometheus/index.js';
import { HealthCheckExtension, healthCheckExtensionFactory } from '../../extensions/health_check/index.js';
import { send as sendHttpLog, startReceiver as startHttpLog } from '../receivers/kong_http_log/client.js';
import { send as sendOtlp, startReceiver as startOtlp } from '../receivers/otlp/client.js';
import { encodeRequest } from './otlp/proto_decode.js';
import { startedAs, testContext } from './context.js';
import { sendTo, type Reply } from './http_client.js';
import { capturingLogger } from './logs.js';

/**
 * Every HTTP listener of kongtel, started on 127.0.0.1 port 0 with the given keys, behind one shape, so a
 * property every listener must have (connection hygiene, auth, TLS) is tested on all of them by one table.
 */

export interface RunningListener {
  readonly port: number;
  /** The listener's config key path: label `listener` of its connection self-metrics. */
  readonly where: string;
  readonly telemetry: SelfTelemetry;
  readonly logs: Record<string, unknown>[];
  /** One ordinary request the listener answers 200 (a Kong POST, an OTLP export, a scrape, a probe). */
  request(o?: { headers?: Record<string, string | string[]>; tls?: https.RequestOptions }): Promise<Reply>;
  stop(): Promise<void>;
}

export interface ListenerKind {
  readonly name: string;
  /** Whether it takes `auth` and `tls`. */
  readonly secured: boolean;
  start(keys: Record<string, unknown>): Promise<RunningListener>;
}

const ENTRY = '{"request":{"method":"GET"},"response":{"status":200},"latencies":{"request":1}}';
const POINT = encodeRequest({
  resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'kong.up', gauge: { dataPoints: [{ timeUnixNano: '1700000000000000000', asInt: '1' }] } }] }] }],
});

function get(port: number, path: string, o: { headers?: Record<string, string | string[]>; tls?: https.RequestOptions } = {}): Promise<Reply> {
  return sendTo(port, { contentType: 'text/plain', path }, { method: 'GET', headers: { 'content-type': undefined, 'content-length': undefined, ...o.headers }, agent: false, tls: o.tls });
}

/** A receiver behind the shape, from its harness (`start`) and its one ordinary request (`send`). */
function receiverKind(
  name: string,
  where: string,
  start: (keys: Record<string, unknown>, opts: { logger: Logger }) => Promise<{ port: number; telemetry: SelfTelemetry; receiver: { shutdown(): Promise<void> } }>,
  send: (port: number, o: Parameters<RunningListener['request']>[0] & object) => Promise<Reply>,
): ListenerKind {
  return {
    name,
    secured: true,
    start: async (keys) => {
      const { logger, logs } = capturingLogger();
      const h = await start(keys, { logger });
      return { port: h.port, where, telemetry: h.telemetry, logs, request: (o = {}) => send(h.port, o), stop: () => h.receiver.shutdown() };
    },
  };
}

/** A listener a test only GETs (a scrape, a probe at `path`), from how it starts with the test's logger and telemetry. */
function getKind(
  name: string,
  where: string,
  secured: boolean,
  path: string,
  start: (keys: Record<string, unknown>, logger: Logger, telemetry: SelfTelemetry) => Promise<{ port: number; stop(): Promise<void> }>,
): ListenerKind {
  return {
    name,
    secured,
    start: async (keys) => {
      const { logger, logs } = capturingLogger();
      const telemetry = new SelfTelemetry();
      const s = await start(keys, logger, telemetry);
      return { port: s.port, where, telemetry, logs, request: (o) => get(s.port, path, o), stop: () => s.stop() };
    },
  };
}

export const HTTP_LISTENERS: readonly ListenerKind[] = [
  receiverKind('kong_http_log', 'receivers.kong_http_log', startHttpLog, (port, o) => sendHttpLog(port, { body: ENTRY, agent: false, ...o })),
  receiverKind('otlp', 'receivers.otlp.protocols.http', startOtlp, (port, o) => sendOtlp(port, { body: POINT, ...o })),
  getKind('prometheus exporter', 'exporters.prometheus', true, '/metrics', async (keys, logger, telemetry) => {
    const config = prometheusExporterFactory.configSchema.parse({ endpoint: '127.0.0.1:0', ...keys });
    const exporter = await startedAs(prometheusExporterFactory.create(config, { ...testContext('prometheus', 'exporter', { telemetry }), logger }), PrometheusExporter);
    return { port: exporter.address.port, stop: () => exporter.shutdown() };
  }),
  getKind('self-telemetry', 'service.telemetry.metrics', true, '/metrics', async (keys, logger, telemetry) => {
    // The port's timeouts are fixed in the config (the Collector has no keys for them); tests set them here.
    const { read_header_timeout, read_timeout, idle_timeout, ...metricsKeys } = keys;
    const timeouts = {
      read_timeout: ms(read_timeout, SELF_METRICS_TIMEOUTS.read_timeout),
      read_header_timeout: ms(read_header_timeout, SELF_METRICS_TIMEOUTS.read_header_timeout),
      idle_timeout: ms(idle_timeout, SELF_METRICS_TIMEOUTS.idle_timeout),
    };
    const service = serviceSchema.parse({ pipelines: {}, telemetry: { metrics: { address: '127.0.0.1:0', ...metricsKeys } } });
    const server = new SelfMetricsServer(service.telemetry.metrics, telemetry, logger, systemClock, timeouts);
    const { port } = await server.start();
    return { port, stop: () => server.shutdown() };
  }),
  getKind('health_check', 'extensions.health_check', false, '/', async (keys, logger, telemetry) => {
    const config = healthCheckExtensionFactory.configSchema.parse({ endpoint: '127.0.0.1:0', ...keys });
    const ext = await startedAs(healthCheckExtensionFactory.create(config, { ...testContext('health_check', 'extension', { telemetry }), logger }), HealthCheckExtension);
    return { port: ext.address.port, stop: () => ext.shutdown() };
  }),
];

/** A duration key as a test writes it (ms or "500ms"), or the default. */
function ms(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? (parseDuration(value) ?? fallback) : fallback;
}
