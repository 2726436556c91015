import type { ProcessorFactory } from '../../core/index.js';
import { type BatchConfig, configSchema } from './config.js';
import { BatchProcessor } from './processor.js';

export type { BatchConfig } from './config.js';
export { BatchProcessor } from './processor.js';

export const batchFactory: ProcessorFactory<BatchConfig> = {
  kind: 'processor',
  type: 'batch',
  configSchema,
  accepts: ['metrics'],
  produces: () => 'metrics',
  durable: { passesLogPositions: true },
  create: (config, ctx, next) => new BatchProcessor(config, ctx, next),
};
