import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FACTORIES } from '../../cmd/components.js';
import { Collector, SelfMetric, parseConfig, silentLogger, type HostPort, type Logger } from '../../core/index.js';
import { CaptureExporter, captureExporterFactory } from './capture_exporter.js';

/** The Kong-log receivers, each in its own pipeline so each one's total is checked on its own. */
export const KONG_RECEIVERS = ['kong_http_log', 'kong_tcp_log', 'kong_udp_log', 'kong_file_log'] as const;
export type KongReceiverId = (typeof KONG_RECEIVERS)[number];

export interface FuzzLimits {
  /** max_request_body_size of kong_http_log and otlp. */
  readonly maxBodySize: number;
  /** max_line_size of kong_tcp_log and kong_file_log. */
  readonly maxLineSize: number;
  /** kong_metrics' emission interval. */
  readonly interval: string;
  /** kong_http_log's timeouts; the receiver's defaults when absent. */
  readonly httpTimeouts?: { readonly read: string; readonly header: string; readonly idle: string };
  /** kong_tcp_log's idle_timeout; the default when absent. */
  readonly tcpIdleTimeout?: string;
}

/** Limits small enough that generated inputs cross them often. */
export const FUZZ_LIMITS: FuzzLimits = { maxBodySize: 256 * 1024, maxLineSize: 64 * 1024, interval: '1s' };

/**
 * Every receiver on loopback port 0 (file-log on a fresh directory) → kong_metrics (delta) → a capture
 * exporter, plus the real Prometheus exporter, so hostile attribute values also go through its renderer.
 * OTLP goes straight to its own capture exporter. Built from YAML by the real config loader and engine.
 */
export function fuzzConfigYaml(dir: string, limits: FuzzLimits): string {
  const pipeline = (name: string, receiver: string) => `    metrics/${name}:
      receivers: [${receiver}]
      processors: [kong_metrics/${name}]
      exporters: [capture/${name}, prometheus]`;
  return `receivers:
  kong_http_log:
    endpoint: 127.0.0.1:0
    max_request_body_size: ${limits.maxBodySize}${
      limits.httpTimeouts === undefined
        ? ''
        : `
    read_timeout: ${limits.httpTimeouts.read}
    read_header_timeout: ${limits.httpTimeouts.header}
    idle_timeout: ${limits.httpTimeouts.idle}`
    }
  kong_tcp_log:
    endpoint: 127.0.0.1:0
    max_line_size: ${limits.maxLineSize}${limits.tcpIdleTimeout === undefined ? '' : `
    idle_timeout: ${limits.tcpIdleTimeout}`}
  kong_udp_log:
    endpoint: 127.0.0.1:0
  kong_file_log:
    include: [${JSON.stringify(join(dir, '*.log'))}]
    start_at: beginning
    poll_interval: 10ms
    max_line_size: ${limits.maxLineSize}
  otlp:
    protocols:
      http:
        endpoint: 127.0.0.1:0
        max_request_body_size: ${limits.maxBodySize}
processors:
  kong_metrics/http: { interval: ${limits.interval}, temporality: delta }
  kong_metrics/tcp: { interval: ${limits.interval}, temporality: delta }
  kong_metrics/udp: { interval: ${limits.interval}, temporality: delta }
  kong_metrics/file: { interval: ${limits.interval}, temporality: delta }
exporters:
  capture/http: {}
  capture/tcp: {}
  capture/udp: {}
  capture/file: {}
  capture/otlp: {}
  prometheus:
    endpoint: 127.0.0.1:0
service:
  telemetry:
    metrics:
      address: ""
  pipelines:
${pipeline('http', 'kong_http_log')}
${pipeline('tcp', 'kong_tcp_log')}
${pipeline('udp', 'kong_udp_log')}
${pipeline('file', 'kong_file_log')}
    metrics/otlp:
      receivers: [otlp]
      exporters: [capture/otlp]
`;
}

/** The capture exporter of each receiver. */
export const CAPTURE_OF: Readonly<Record<KongReceiverId | 'otlp', string>> = {
  kong_http_log: 'capture/http',
  kong_tcp_log: 'capture/tcp',
  kong_udp_log: 'capture/udp',
  kong_file_log: 'capture/file',
  otlp: 'capture/otlp',
};

function boundAddress(component: unknown, id: string): HostPort {
  const address = typeof component === 'object' && component !== null && 'address' in component ? component.address : undefined;
  if (typeof address !== 'object' || address === null || !('port' in address) || typeof address.port !== 'number') {
    throw new Error(`fuzz: ${id} has no bound address`);
  }
  return address as HostPort;
}

export interface FuzzPipeline {
  readonly collector: Collector;
  readonly ports: Readonly<Record<KongReceiverId | 'otlp' | 'prometheus', number>>;
  /** The file the file-log receiver tails. */
  readonly logFile: string;
  capture(receiver: KongReceiverId | 'otlp'): CaptureExporter;
  /** Lines or entries the receiver has accepted, rejected or refused so far: each is counted exactly once. */
  accounted(receiver: KongReceiverId): number;
  /** Stops the collector (flushing kong_metrics) and removes the temporary directory; false when shutdown timed out. */
  stop(): Promise<boolean>;
}

export async function startFuzzPipeline(limits: FuzzLimits = FUZZ_LIMITS, logger: Logger = silentLogger()): Promise<FuzzPipeline> {
  const dir = mkdtempSync(join(tmpdir(), 'kongtel-fuzz-'));
  const logFile = join(dir, 'kong.log');
  writeFileSync(logFile, '');
  const config = parseConfig(fuzzConfigYaml(dir, limits), 'fuzz.yaml', [...FACTORIES, captureExporterFactory], {});
  const collector = new Collector(config, { logger });
  await collector.start();
  const port = (component: unknown, id: string): number => boundAddress(component, id).port;
  const ports = {
    kong_http_log: port(collector.receiver('kong_http_log'), 'kong_http_log'),
    kong_tcp_log: port(collector.receiver('kong_tcp_log'), 'kong_tcp_log'),
    kong_udp_log: port(collector.receiver('kong_udp_log'), 'kong_udp_log'),
    kong_file_log: 0,
    otlp: port(collector.receiver('otlp'), 'otlp'),
    prometheus: port(collector.exporter('prometheus'), 'prometheus'),
  };
  const telemetry = collector.telemetry;
  return {
    collector,
    ports,
    logFile,
    capture(receiver) {
      const e = collector.exporter(CAPTURE_OF[receiver]);
      if (!(e instanceof CaptureExporter)) throw new Error(`fuzz: ${CAPTURE_OF[receiver]} is not a capture exporter`);
      return e;
    },
    accounted(receiver) {
      const labels = { receiver };
      return (
        telemetry.sum(SelfMetric.receiverAcceptedLogRecords, labels) +
        telemetry.sum(SelfMetric.receiverRejectedLogRecords, labels) +
        telemetry.sum(SelfMetric.receiverRefusedLogRecords, labels)
      );
    },
    async stop() {
      try {
        return await collector.shutdown();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
