import type { MemoryLimiterConfig } from './config.js';

export const MIB = 1024 * 1024;

/** The two thresholds, in bytes of resident memory. */
export interface MemoryLimits {
  /** Above it: refuse data and force a garbage collection. */
  readonly hardBytes: number;
  /** Above it: refuse data, until usage is back below it. */
  readonly softBytes: number;
}

/**
 * The Collector's arithmetic: soft = hard − spike, the spike allowance defaulting (when unset or 0) to
 * 20 % of the hard limit. Percentages are of `availableBytes` (cgroup limit or machine memory).
 */
export function resolveLimits(config: MemoryLimiterConfig, availableBytes: number): MemoryLimits {
  let hard: number;
  let spike: number;
  if (config.limit_mib !== undefined) {
    hard = config.limit_mib * MIB;
    spike = (config.spike_limit_mib ?? 0) * MIB;
  } else {
    hard = Math.floor((availableBytes * (config.limit_percentage ?? 0)) / 100);
    spike = Math.floor((availableBytes * (config.spike_limit_percentage ?? 0)) / 100);
  }
  if (spike === 0) spike = Math.floor(hard / 5);
  return { hardBytes: hard, softBytes: hard - spike };
}

export function mib(bytes: number): number {
  return Math.round((bytes / MIB) * 10) / 10;
}
