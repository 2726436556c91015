import { type Clock, type ComponentContext, type Consumer, errorMessage, type Host, type Logger, type Receiver } from '../../core/index.js';
import type { PrometheusReceiverConfig } from './config.js';
import { DnsSdDiscoverer } from './discovery/dns_sd.js';
import { FileSdDiscoverer } from './discovery/file_sd.js';
import { KubernetesSdDiscoverer } from './discovery/kubernetes_sd.js';
import type { KubernetesSdConfig } from './discovery/kubernetes_sd_config.js';
import { StaticDiscoverer } from './discovery/static.js';
import type { Discoverer } from './discovery/target_group.js';
import type { ScrapeLoop } from './scrape_loop.js';
import { jobSettings, type ScrapeTarget } from './target.js';
import { JobTargets } from './target_manager.js';

/** Scrapes Prometheus `/metrics` pages (Kong's Prometheus plugin, any client library) into cumulative metrics. */
export class PrometheusReceiver implements Receiver {
  private jobs: JobTargets[] = [];

  constructor(
    private readonly config: PrometheusReceiverConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
  ) {}

  get targets(): readonly ScrapeTarget[] {
    return this.scrapeLoops.map((l) => l.target);
  }

  /** The scrape loops, one per target now (tests). */
  get scrapeLoops(): readonly ScrapeLoop[] {
    return this.jobs.flatMap((j) => j.scrapeLoops);
  }

  async start(_host: Host): Promise<void> {
    const where = `receivers.${this.ctx.id}`;
    const deps = { receiverId: this.ctx.id, clock: this.ctx.clock, logger: this.ctx.logger, telemetry: this.ctx.telemetry, next: this.next };
    for (const [i, job] of this.config.scrape_configs.entries()) {
      const jobWhere = `${where}.scrape_configs[${i}]`;
      const discoverers: Discoverer[] = [];
      if (job.static_configs.length > 0) discoverers.push(new StaticDiscoverer(job.static_configs));
      job.file_sd_configs.forEach((c, k) => discoverers.push(new FileSdDiscoverer(c, `${jobWhere}.file_sd_configs[${k}]`, this.ctx.clock, this.ctx.logger)));
      const options = { logger: this.ctx.logger, clock: this.ctx.clock };
      for (const c of job.dns_sd_configs) discoverers.push(new DnsSdDiscoverer(c, options));
      job.kubernetes_sd_configs.forEach((c, k) => discoverers.push(kubernetesDiscoverer(c, options, `${jobWhere}.kubernetes_sd_configs[${k}]`)));
      this.jobs.push(new JobTargets(await jobSettings(job, jobWhere), discoverers, deps));
    }
    await Promise.all(this.jobs.map((j) => j.start()));
    this.ctx.logger.info({ jobs: this.config.scrape_configs.map((j) => j.job_name), targets: this.scrapeLoops.length }, 'scraping Prometheus targets');
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.jobs.map((j) => j.stop()));
  }

  /** Resolves when no scrape is in flight: tests advance a ManualClock, then await this. */
  async idle(): Promise<void> {
    await Promise.all(this.scrapeLoops.map((l) => l.idle()));
  }
}

/** Outside a pod (no service account, no KUBERNETES_SERVICE_HOST) the discoverer cannot start: a start-up error with its key path. */
function kubernetesDiscoverer(c: KubernetesSdConfig, options: { logger: Logger; clock: Clock }, where: string): Discoverer {
  try {
    return new KubernetesSdDiscoverer(c, options);
  } catch (err) {
    throw new Error(`${where}.${errorMessage(err)}`);
  }
}
