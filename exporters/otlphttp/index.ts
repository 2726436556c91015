import type { ExporterFactory } from '../../core/index.js';
import { type OtlpHttpConfig, otlpHttpConfigSchema } from './config.js';
import { OtlpHttpExporter } from './exporter.js';

export type { OtlpHttpConfig } from './config.js';
export { OtlpHttpExporter } from './exporter.js';

export const otlpHttpExporterFactory: ExporterFactory<OtlpHttpConfig> = {
  kind: 'exporter',
  type: 'otlphttp',
  configSchema: otlpHttpConfigSchema,
  accepts: ['metrics'],
  durable: {
    recordsLogPositions: (config) =>
      config.sending_queue.enabled && config.sending_queue.storage !== undefined
        ? true
        : 'set sending_queue.storage to a directory (with sending_queue.enabled: true)',
  },
  create: (config, ctx) => new OtlpHttpExporter(config, ctx),
};
