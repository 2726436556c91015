import type { ReceiverFactory } from '../../core/index.js';
import { kongTcpLogConfigSchema, type KongTcpLogConfig } from './config.js';
import { KongTcpLogReceiver } from './receiver.js';

export type { KongTcpLogConfig } from './config.js';
export { KongTcpLogReceiver } from './receiver.js';

/** Receives the entries Kong's tcp-log plugin writes, one JSON object per line, and emits them as logs. */
export const kongTcpLogReceiverFactory: ReceiverFactory<KongTcpLogConfig> = {
  kind: 'receiver',
  type: 'kong_tcp_log',
  signal: 'logs',
  configSchema: kongTcpLogConfigSchema,
  create: (config, ctx, next) => new KongTcpLogReceiver(config, ctx, next),
};
