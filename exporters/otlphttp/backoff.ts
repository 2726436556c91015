import type { RetryConfig } from './config.js';

/**
 * Exponential backoff with jitter, as the Collector's configretry does it: each wait is the current
 * interval × (1 ± randomization_factor), and the interval grows by `multiplier` up to `max_interval`.
 */
export class Backoff {
  private current: number;

  constructor(
    private readonly config: RetryConfig,
    private readonly random: () => number = Math.random,
  ) {
    this.current = config.initial_interval;
  }

  next(): number {
    const spread = this.config.randomization_factor * this.current;
    const wait = this.current - spread + this.random() * 2 * spread;
    this.current = Math.min(this.current * this.config.multiplier, this.config.max_interval);
    return Math.max(0, Math.round(wait));
  }
}
