import { type Clock, errorMessage, type Logger } from '../../core/index.js';
import { type MemoryLimits, mib } from './limits.js';
import type { ForceGc, RssProbe } from './memory_probe.js';
import type { LimiterReadings } from './telemetry.js';

export const MemoryState = { ok: 0, soft: 1, hard: 2 } as const;
export type MemoryState = (typeof MemoryState)[keyof typeof MemoryState];

/** Least milliseconds between two forced collections, by how far above the limits memory is. */
export interface GcIntervals {
  readonly soft: number;
  readonly hard: number;
}

export interface LimiterDeps {
  readonly rss: RssProbe;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after each forced collection (self-telemetry). */
  readonly onForcedGc?: () => void;
}

/**
 * The periodic check, as the Collector's memorylimiter does it: measure; above a limit, force a
 * collection unless one ran recently (the `min_gc_interval_when_*` keys; never more than one per check)
 * and measure again; refuse while the measurement is at or above the soft limit. The hot path only reads
 * `refusing`.
 */
export class MemoryLimiter implements LimiterReadings {
  rssBytes = 0;
  state: MemoryState = MemoryState.ok;
  readonly hardBytes: number;
  readonly softBytes: number;
  private lastGcAt = Number.NEGATIVE_INFINITY;
  /** When the current run of refusals began, and whether it has reached the hard limit yet. */
  private episodeStart = 0;
  private episodeHitHard = false;
  private probeFailed = false;
  /** Undefined until start, or when V8 would not expose its collector: the hard limit then only refuses. */
  private gc: ForceGc | undefined;

  constructor(
    limits: MemoryLimits,
    private readonly gcIntervals: GcIntervals,
    private readonly deps: LimiterDeps,
  ) {
    this.hardBytes = limits.hardBytes;
    this.softBytes = limits.softBytes;
  }

  setGc(gc: ForceGc | undefined): void {
    this.gc = gc;
  }

  get refusing(): boolean {
    return this.state !== MemoryState.ok;
  }

  /** One measurement and the state it leads to. Never throws: it runs on a timer. */
  check(): void {
    let rss = this.measure();
    if (rss === undefined) return;
    let level = this.levelOf(rss);
    let collected = false;
    // Garbage that V8 has not collected yet counts in RSS too; only a collection tells it from live data.
    if (level !== MemoryState.ok && this.gc !== undefined) {
      const gap = level === MemoryState.hard ? this.gcIntervals.hard : this.gcIntervals.soft;
      if (this.deps.clock.now() - this.lastGcAt >= gap && this.collect(this.gc)) {
        collected = true;
        const before = rss;
        rss = this.measure() ?? rss;
        level = this.levelOf(rss);
        this.deps.logger.debug({ before_mib: mib(before), after_mib: mib(rss) }, 'memory_limiter: forced a garbage collection');
      }
    }
    this.rssBytes = rss;
    const was = this.state;
    this.state = level;
    this.log(was, collected);
  }

  private levelOf(rss: number): MemoryState {
    return rss >= this.hardBytes ? MemoryState.hard : rss >= this.softBytes ? MemoryState.soft : MemoryState.ok;
  }

  private measure(): number | undefined {
    try {
      const rss = this.deps.rss();
      this.probeFailed = false;
      return rss;
    } catch (err) {
      // Keep the last state: flipping to "ok" on a failed read would let a flood in.
      if (!this.probeFailed) this.deps.logger.error({ err: errorMessage(err) }, 'memory_limiter: cannot read resident memory; keeping the last state');
      this.probeFailed = true;
      return undefined;
    }
  }

  private collect(gc: ForceGc): boolean {
    this.lastGcAt = this.deps.clock.now();
    try {
      gc();
      this.deps.onForcedGc?.();
      return true;
    } catch (err) {
      this.deps.logger.error({ err: errorMessage(err) }, 'memory_limiter: forced garbage collection failed');
      return false;
    }
  }

  private log(was: MemoryState, collected: boolean): void {
    const figures = { rss_mib: mib(this.rssBytes), soft_limit_mib: mib(this.softBytes), hard_limit_mib: mib(this.hardBytes) };
    const log = this.deps.logger;
    if (was === MemoryState.ok && this.state !== MemoryState.ok) {
      this.episodeStart = this.deps.clock.now();
      this.episodeHitHard = false;
      log.warn(figures, 'memory_limiter: resident memory is above the soft limit; refusing data (senders get back-pressure and retry) until it is back below');
    }
    if (this.state === MemoryState.hard && !this.episodeHitHard) {
      this.episodeHitHard = true;
      const why = collected
        ? 'even after a forced garbage collection, so live data holds it (a growing exporter queue?)'
        : this.gc === undefined
          ? 'and V8 would not expose its garbage collector'
          : 'and the last forced garbage collection is less than min_gc_interval_when_hard_limited ago';
      log.warn(figures, `memory_limiter: resident memory is above the hard limit ${why}; refusing data — raise limit_mib or give kongtel more memory if this repeats`);
    }
    if (was !== MemoryState.ok && this.state === MemoryState.ok) {
      log.info({ ...figures, refused_for_s: (this.deps.clock.now() - this.episodeStart) / 1000 }, 'memory_limiter: resident memory is back below the soft limit; accepting data again');
    }
  }
}
