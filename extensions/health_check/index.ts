import type { ExtensionFactory } from '../../core/index.js';
import { healthCheckConfigSchema, type HealthCheckConfig } from './config.js';
import { HealthCheckExtension } from './extension.js';

export type { HealthCheckConfig } from './config.js';
export { HealthCheckExtension } from './extension.js';

/** Answers HTTP probes with the collector's status, as the OTel Collector's health_check does. */
export const healthCheckExtensionFactory: ExtensionFactory<HealthCheckConfig> = {
  kind: 'extension',
  type: 'health_check',
  configSchema: healthCheckConfigSchema,
  create: (config, ctx) => new HealthCheckExtension(config, ctx),
};
