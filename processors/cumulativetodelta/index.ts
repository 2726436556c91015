import type { ProcessorFactory } from '../../core/index.js';
import { configSchema, type CumulativeToDeltaConfig } from './config.js';
import { CumulativeToDeltaProcessor } from './processor.js';

export type { CumulativeToDeltaConfig } from './config.js';
export { CumulativeToDeltaProcessor } from './processor.js';

export const cumulativeToDeltaFactory: ProcessorFactory<CumulativeToDeltaConfig> = {
  kind: 'processor',
  type: 'cumulativetodelta',
  configSchema,
  accepts: ['metrics'],
  produces: () => 'metrics',
  durable: { passesLogPositions: true },
  create: (config, ctx, next) => new CumulativeToDeltaProcessor(config, ctx, next),
};
