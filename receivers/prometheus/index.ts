import type { ReceiverFactory } from '../../core/index.js';
import { prometheusReceiverConfigSchema, type PrometheusReceiverConfig } from './config.js';
import { PrometheusReceiver } from './receiver.js';

export type { PrometheusReceiverConfig, ScrapeConfig } from './config.js';
export { prometheusReceiverConfigSchema } from './config.js';
export { PrometheusReceiver } from './receiver.js';
export type { MetricFamily, ParsedPage, Sample } from './exposition.js';
export { parseExposition, parsePage } from './parser.js';
export { ScrapeMetric } from './telemetry.js';

/** Scrapes Prometheus text-format pages (Kong's Prometheus plugin on the Status API) into cumulative metrics. */
export const prometheusReceiverFactory: ReceiverFactory<PrometheusReceiverConfig> = {
  kind: 'receiver',
  type: 'prometheus',
  signal: 'metrics',
  configSchema: prometheusReceiverConfigSchema,
  create: (config, ctx, next) => new PrometheusReceiver(config, ctx, next),
};
