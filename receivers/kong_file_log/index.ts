import type { ReceiverFactory, UsesStorage } from '../../core/index.js';
import { kongFileLogConfigSchema, type KongFileLogConfig } from './config.js';
import { KongFileLogReceiver } from './receiver.js';

export type { KongFileLogConfig } from './config.js';
export { KongFileLogReceiver } from './receiver.js';

/** Tails the files Kong's file-log plugin appends to (one JSON object per line) and emits their entries as logs. */
export const kongFileLogReceiverFactory: ReceiverFactory<KongFileLogConfig> & UsesStorage<KongFileLogConfig> = {
  kind: 'receiver',
  type: 'kong_file_log',
  signal: 'logs',
  configSchema: kongFileLogConfigSchema,
  storageRefs: (config) => (config.storage === undefined ? [] : [{ key: 'storage', id: config.storage }]),
  create: (config, ctx, next) => new KongFileLogReceiver(config, ctx, next),
};
