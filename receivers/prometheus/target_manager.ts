import { errorMessage } from '../../core/index.js';
import type { Discoverer, TargetGroup } from './discovery/target_group.js';
import { ScrapeLoop, type LoopDeps } from './scrape_loop.js';
import type { JobSettings } from './target.js';
import { buildTarget, discoveredLabels } from './target_labels.js';

/**
 * One job's targets, kept equal to what its discoverers report (Prometheus' scrape pool `Sync`): on every
 * update the groups of all discoverers are relabelled into targets; a target whose key is unchanged keeps
 * its loop, and with it its start times; a target gone is stopped and its series forgotten (its loop and
 * start times go with it); a new target gets a new loop, so its first scrape is a baseline. New targets of
 * one update are spread over the interval, the first one at once.
 */
export class JobTargets {
  private readonly groups: Map<string, TargetGroup>[];
  private readonly loops = new Map<string, ScrapeLoop>();
  private readonly invalidSeen = new Set<string>();

  constructor(
    private readonly settings: JobSettings,
    private readonly discoverers: readonly Discoverer[],
    private readonly deps: LoopDeps,
  ) {
    this.groups = discoverers.map(() => new Map());
  }

  get scrapeLoops(): ScrapeLoop[] {
    return [...this.loops.values()];
  }

  async start(): Promise<void> {
    await Promise.all(this.discoverers.map((d, i) => d.start((groups) => this.update(i, groups))));
  }

  async stop(): Promise<void> {
    await Promise.all(this.discoverers.map((d) => d.stop().catch(() => undefined)));
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((l) => l.stop()));
  }

  private update(discoverer: number, groups: readonly TargetGroup[]): void {
    try {
      const byId = new Map<string, TargetGroup>();
      for (const g of groups) byId.set(g.source, g);
      this.groups[discoverer] = byId;
      this.sync();
    } catch (err) {
      this.deps.logger.error({ job: this.settings.job.job_name, error: errorMessage(err) }, 'internal error applying discovered targets: the previous targets are kept');
    }
  }

  private sync(): void {
    const wanted = new Map<string, Omit<ScrapeLoop['target'], 'offsetMs'>>();
    for (const byId of this.groups) {
      for (const group of byId.values()) {
        for (const t of group.targets) {
          const built = buildTarget(this.settings, discoveredLabels(this.settings, t, group));
          if ('key' in built) {
            if (!wanted.has(built.key)) wanted.set(built.key, built.target);
          } else if (built.dropped === 'invalid' && !this.invalidSeen.has(built.why)) {
            this.invalidSeen.add(built.why);
            this.deps.logger.warn({ job: this.settings.job.job_name, group: group.source, why: built.why }, 'a discovered target is not scraped (after relabel_configs)');
          }
        }
      }
    }
    let stopped = 0;
    for (const [key, loop] of this.loops) {
      if (wanted.has(key)) continue;
      this.loops.delete(key);
      stopped++;
      void loop.stop();
    }
    const added = [...wanted].filter(([key]) => !this.loops.has(key));
    added.forEach(([key, target], k) => {
      const loop = new ScrapeLoop({ ...target, offsetMs: Math.floor((target.intervalMs * k) / added.length) }, this.deps);
      this.loops.set(key, loop);
      loop.schedule();
    });
    if (added.length > 0 || stopped > 0) {
      this.deps.logger.info({ job: this.settings.job.job_name, targets: this.loops.size, started: added.length, stopped }, 'scrape targets updated');
    }
  }
}
