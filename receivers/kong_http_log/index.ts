import type { ReceiverFactory } from '../../core/index.js';
import { kongHttpLogConfigSchema, type KongHttpLogConfig } from './config.js';
import { KongHttpLogReceiver } from './receiver.js';

export type { KongHttpLogConfig } from './config.js';
export { KongHttpLogReceiver } from './receiver.js';

/** Receives the batches Kong's http-log plugin POSTs and emits their entries as logs. */
export const kongHttpLogReceiverFactory: ReceiverFactory<KongHttpLogConfig> = {
  kind: 'receiver',
  type: 'kong_http_log',
  signal: 'logs',
  configSchema: kongHttpLogConfigSchema,
  create: (config, ctx, next) => new KongHttpLogReceiver(config, ctx, next),
};
