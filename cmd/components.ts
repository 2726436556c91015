import type { Factory } from '../core/index.js';
import { kongHttpLogReceiverFactory } from '../receivers/kong_http_log/index.js';
import { otlpReceiverFactory } from '../receivers/otlp/index.js';
import { prometheusReceiverFactory } from '../receivers/prometheus/index.js';
import { kongTcpLogReceiverFactory } from '../receivers/kong_tcp_log/index.js';
import { kongUdpLogReceiverFactory } from '../receivers/kong_udp_log/index.js';
import { kongFileLogReceiverFactory } from '../receivers/kong_file_log/index.js';
import { memoryLimiterFactory } from '../processors/memory_limiter/index.js';
import { kongMetricsFactory } from '../processors/kong_metrics/index.js';
import { cumulativeToDeltaFactory } from '../processors/cumulativetodelta/index.js';
import { batchFactory } from '../processors/batch/index.js';
import { prometheusExporterFactory } from '../exporters/prometheus/index.js';
import { otlpHttpAliasFactory, otlpHttpExporterFactory } from '../exporters/otlphttp/index.js';
import { fileStorageExtensionFactory } from '../extensions/file_storage/index.js';
import { healthCheckExtensionFactory } from '../extensions/health_check/index.js';

/** Every component this build of kongtel knows, as the Collector's `components.go` lists them. */
export const FACTORIES: readonly Factory[] = [
  kongHttpLogReceiverFactory,
  kongTcpLogReceiverFactory,
  kongUdpLogReceiverFactory,
  kongFileLogReceiverFactory,
  otlpReceiverFactory,
  prometheusReceiverFactory,
  memoryLimiterFactory,
  kongMetricsFactory,
  cumulativeToDeltaFactory,
  batchFactory,
  prometheusExporterFactory,
  otlpHttpExporterFactory,
  otlpHttpAliasFactory,
  healthCheckExtensionFactory,
  fileStorageExtensionFactory,
];
