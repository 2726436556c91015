import type { ProcessorFactory, UsesStorage } from '../../core/index.js';
import { configSchema, type KongMetricsConfig } from './config.js';
import { KongMetricsProcessor } from './processor.js';

export type { KongMetricsConfig, ModelPrice } from './config.js';
export { configSchema as kongMetricsConfigSchema } from './config.js';
export { KongMetricsProcessor, SCOPE } from './processor.js';
export { OVERFLOW_POINTS_METRIC } from './telemetry.js';

/** Kong log entries → OpenTelemetry metrics (metric-mapping.md); metric batches pass through. */
export const kongMetricsFactory: ProcessorFactory<KongMetricsConfig> & UsesStorage<KongMetricsConfig> = {
  kind: 'processor',
  type: 'kong_metrics',
  configSchema,
  accepts: ['logs', 'metrics'],
  produces: () => 'metrics',
  durable: { logPositionsKey: (config) => (config.storage === undefined ? undefined : 'storage') },
  storageRefs: (config) => (config.storage === undefined ? [] : [{ key: 'storage', id: config.storage }]),
  create: (config, ctx, next) => new KongMetricsProcessor(config, ctx, next),
};
