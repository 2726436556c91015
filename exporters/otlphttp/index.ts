import type { ExporterFactory, UsesStorage } from '../../core/index.js';
import { type OtlpHttpConfig, otlpHttpConfigSchema } from './config.js';
import { OtlpHttpExporter } from './exporter.js';

export type { OtlpHttpConfig } from './config.js';
export { OtlpHttpExporter } from './exporter.js';

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpConfig> & UsesStorage<OtlpHttpConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  configSchema: otlpHttpConfigSchema,
  accepts: ['metrics'],
  durable: {
    recordsLogPositions: (config) =>
      config.sending_queue.enabled && config.sending_queue.storage !== undefined
        ? true
        : 'set sending_queue.storage to a file_storage extension (with sending_queue.enabled: true)',
  },
  storageRefs: (config) => (config.sending_queue.storage === undefined ? [] : [{ key: 'sending_queue.storage', id: config.sending_queue.storage }]),
  create: (config, ctx) => new OtlpHttpExporter(config, ctx),
};

/**
 * `otlp_http` is the Collector's current name for this exporter (`otlphttp` is its deprecated alias, and
 * kongtel's first); Dynatrace's Kong guide writes `otlp_http`. Both are the same exporter.
 */
export const otlpHttpAliasFactory: typeof otlpHttpExporterFactory = { ...otlpHttpExporterFactory, type: 'otlp_http' };
