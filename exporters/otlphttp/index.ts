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
  create: (config, ctx) => new OtlpHttpExporter(config, ctx),
};
