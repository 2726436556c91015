import {
  BackPressureError,
  type Batch,
  type ComponentContext,
  type Consumer,
  countDataPoints,
  type Host,
  type Processor,
  type Timer,
} from '../../core/index.js';
import type { MemoryLimiterConfig } from './config.js';
import { MemoryLimiter } from './limiter.js';
import { mib, resolveLimits } from './limits.js';
import { exposeGc, type ForceGc, processRss, type RssProbe } from './memory_probe.js';
import { MemoryLimiterTelemetry } from './telemetry.js';
import { availableMemory, type MemorySource } from './total_memory.js';

export interface MemoryLimiterOptions {
  /** Resident memory in bytes; defaults to `process.memoryUsage.rss()`. */
  readonly rss?: RssProbe;
  /** Forces a full collection; defaults to V8's `gc`, obtained at start. `null`: never force one. */
  readonly gc?: ForceGc | null;
  /** Where `limit_percentage` finds the memory available; defaults to the cgroup files and os.totalmem(). */
  readonly memory?: MemorySource;
}

/**
 * The Collector's memory_limiter: refuses data with back-pressure while the process's resident memory
 * is above the soft limit, so receivers answer 503 + Retry-After and Kong keeps the entries in its own
 * queue instead of kongtel being OOM-killed. Put it first in a pipeline: refusing before anything is
 * aggregated or queued is what lets memory fall again.
 */
export class MemoryLimiterProcessor implements Processor {
  private readonly limiter: MemoryLimiter;
  private readonly telemetry: MemoryLimiterTelemetry;
  private readonly retryAfterSeconds: number;
  private readonly available: string | undefined;
  private gc: ForceGc | undefined;
  private timer: Timer | undefined;

  constructor(
    private readonly config: MemoryLimiterConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
    private readonly options: MemoryLimiterOptions = {},
  ) {
    let availableBytes = 0;
    if (config.limit_percentage !== undefined) {
      const a = availableMemory(options.memory);
      availableBytes = a.bytes;
      this.available = `${mib(a.bytes)} MiB from ${a.source}`;
    }
    // Built here so the gauges exist from the first scrape; it gets its garbage collector in start().
    const gcIntervals = { soft: config.min_gc_interval_when_soft_limited, hard: config.min_gc_interval_when_hard_limited };
    this.limiter = new MemoryLimiter(resolveLimits(config, availableBytes), gcIntervals, {
      rss: options.rss ?? processRss,
      clock: ctx.clock,
      logger: ctx.logger,
      onForcedGc: () => this.telemetry.forcedGc.add(),
    });
    this.telemetry = new MemoryLimiterTelemetry(ctx, this.limiter);
    this.retryAfterSeconds = Math.max(1, Math.ceil(config.check_interval / 1000));
  }

  /** The limiter's state and last measurement (tests, and the gauges). */
  get readings(): MemoryLimiter {
    return this.limiter;
  }

  async start(_host: Host): Promise<void> {
    this.gc = this.options.gc === undefined ? exposeGc() : (this.options.gc ?? undefined);
    this.limiter.setGc(this.gc);
    this.limiter.check();
    const l = this.limiter;
    this.ctx.logger.info(
      {
        hard_limit_mib: mib(l.hardBytes),
        soft_limit_mib: mib(l.softBytes),
        rss_mib: mib(l.rssBytes),
        check_interval_ms: this.config.check_interval,
        forced_gc: this.gc !== undefined,
        ...(this.available !== undefined ? { limit_percentage_of: this.available } : {}),
      },
      'memory_limiter: watching resident memory',
    );
    if (l.refusing) {
      this.ctx.logger.warn(
        { rss_mib: mib(l.rssBytes), soft_limit_mib: mib(l.softBytes) },
        'memory_limiter: kongtel already uses more memory than the soft limit right after start, so every batch is refused; raise limit_mib / limit_percentage or lower the spike limit',
      );
    }
    this.timer = this.ctx.clock.setInterval(() => this.limiter.check(), this.config.check_interval);
  }

  async shutdown(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
  }

  async consume(batch: Batch): Promise<void> {
    const n = batch.signal === 'logs' ? batch.entries.length : countDataPoints(batch);
    this.telemetry.incoming.add(n);
    if (this.limiter.refusing) {
      this.telemetry.refused[batch.signal].add(n);
      throw new BackPressureError(
        `processor ${this.ctx.id}: data refused due to high memory usage (resident ${mib(this.limiter.rssBytes)} MiB, soft limit ${mib(this.limiter.softBytes)} MiB); retry later`,
        this.retryAfterSeconds,
      );
    }
    await this.next.consume(batch);
    this.telemetry.outgoing.add(n);
  }
}
