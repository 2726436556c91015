import type { ReceiverFactory } from '../../core/index.js';
import { kongUdpLogConfigSchema, type KongUdpLogConfig } from './config.js';
import { KongUdpLogReceiver } from './receiver.js';

export type { KongUdpLogConfig } from './config.js';
export { KongUdpLogReceiver } from './receiver.js';

/** Receives the entries Kong's udp-log plugin sends, one JSON object per datagram, and emits them as logs. */
export const kongUdpLogReceiverFactory: ReceiverFactory<KongUdpLogConfig> = {
  kind: 'receiver',
  type: 'kong_udp_log',
  signal: 'logs',
  configSchema: kongUdpLogConfigSchema,
  create: (config, ctx, next) => new KongUdpLogReceiver(config, ctx, next),
};
