import type { ComponentContext, Consumer, Host, Receiver } from '../../core/index.js';
import type { PrometheusReceiverConfig } from './config.js';
import { ScrapeLoop } from './scrape_loop.js';
import { resolveTargets, type ScrapeTarget } from './target.js';

/** Scrapes Prometheus `/metrics` pages (Kong's Prometheus plugin, any client library) into cumulative metrics. */
export class PrometheusReceiver implements Receiver {
  private loops: ScrapeLoop[] = [];

  constructor(
    private readonly config: PrometheusReceiverConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
  ) {}

  get targets(): readonly ScrapeTarget[] {
    return this.loops.map((l) => l.target);
  }

  /** The scrape loops, one per target (tests). */
  get scrapeLoops(): readonly ScrapeLoop[] {
    return this.loops;
  }

  async start(_host: Host): Promise<void> {
    const targets = await resolveTargets(this.config, `receivers.${this.ctx.id}`);
    const deps = { receiverId: this.ctx.id, clock: this.ctx.clock, logger: this.ctx.logger, telemetry: this.ctx.telemetry, next: this.next };
    this.loops = targets.map((t) => new ScrapeLoop(t, deps));
    for (const loop of this.loops) loop.schedule();
    this.ctx.logger.info(
      { jobs: this.config.scrape_configs.map((j) => j.job_name), targets: targets.length },
      'scraping Prometheus targets',
    );
  }

  async shutdown(): Promise<void> {
    const loops = this.loops;
    await Promise.all(loops.map((l) => l.stop()));
  }

  /** Resolves when no scrape is in flight: tests advance a ManualClock, then await this. */
  async idle(): Promise<void> {
    await Promise.all(this.loops.map((l) => l.idle()));
  }
}
