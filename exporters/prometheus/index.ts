import type { ExporterFactory } from '../../core/index.js';
import { prometheusConfigSchema, type PrometheusExporterConfig } from './config.js';
import { PrometheusExporter } from './exporter.js';

export { PrometheusExporter } from './exporter.js';
export { prometheusConfigSchema, type PrometheusExporterConfig } from './config.js';
export { prometheusMetricName, sanitizeLabelName, sanitizeMetricName } from './naming.js';
export { KONG_FAMILY_RULES, type KongFamilyRule } from '../../core/kong/prometheus_names.js';

export const prometheusExporterFactory: ExporterFactory<PrometheusExporterConfig> = {
  kind: 'exporter',
  type: 'prometheus',
  configSchema: prometheusConfigSchema,
  accepts: ['metrics'],
  create: (config, ctx) => new PrometheusExporter(config, ctx),
};
