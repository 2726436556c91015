import type { ProcessorFactory } from '../../core/index.js';
import { configSchema, type MemoryLimiterConfig } from './config.js';
import { MemoryLimiterProcessor } from './processor.js';

export type { MemoryLimiterConfig } from './config.js';
export { configSchema as memoryLimiterConfigSchema } from './config.js';
export { MemoryLimiterProcessor, type MemoryLimiterOptions } from './processor.js';
export { MemoryState } from './limiter.js';
export { resolveLimits, type MemoryLimits } from './limits.js';
export { availableMemory, type MemorySource } from './total_memory.js';
export { FORCED_GC, LIMIT_BYTES, REFUSED_LOG_RECORDS, RSS_BYTES, STATE } from './telemetry.js';

/** Refuses data while resident memory is above the soft limit; logs and metrics pass through unchanged. */
export const memoryLimiterFactory: ProcessorFactory<MemoryLimiterConfig> = {
  kind: 'processor',
  type: 'memory_limiter',
  configSchema,
  accepts: ['logs', 'metrics'],
  produces: (signal) => signal,
  // It forwards the very batch it was given, log positions included (durable mode).
  durable: { passesLogPositions: true },
  create: (config, ctx, next) => new MemoryLimiterProcessor(config, ctx, next),
};
