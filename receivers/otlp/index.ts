import type { ReceiverFactory } from '../../core/index.js';
import { otlpReceiverConfigSchema, type OtlpReceiverConfig } from './config.js';
import { OtlpReceiver } from './receiver.js';

export type { OtlpReceiverConfig } from './config.js';
export { OtlpReceiver } from './receiver.js';

/** Receives OTLP/HTTP metric exports (Kong's OpenTelemetry plugin, any OTel SDK or Collector) as metrics. */
export const otlpReceiverFactory: ReceiverFactory<OtlpReceiverConfig> = {
  kind: 'receiver',
  type: 'otlp',
  signal: 'metrics',
  configSchema: otlpReceiverConfigSchema,
  create: (config, ctx, next) => new OtlpReceiver(config, ctx, next),
};
