import { performance } from 'node:perf_hooks';
import {
  errorMessage,
  metricBatch,
  refusedReasonOf,
  type Clock,
  type Consumer,
  type Logger,
  type ScrapeFailureReason,
  type SelfTelemetry,
  type Timer,
} from '../../core/index.js';
import { convertPage, type ConversionTarget } from './conversion.js';
import { PageFetcher } from './http_fetch.js';
import { PointLabels } from './labels.js';
import type { ParseError } from './exposition.js';
import { relabelPage } from './metric_relabel.js';
import { kongNodeId } from './node_identity.js';
import { parsePage } from './parser.js';
import { TargetResources } from './resources.js';
import { StartTimes } from './start_times.js';
import { targetUrl, type ScrapeTarget } from './target.js';
import { TargetTelemetry } from './telemetry.js';

export interface LoopDeps {
  readonly receiverId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly telemetry: SelfTelemetry;
  readonly next: Consumer;
}

type Health = 'unknown' | 'up' | 'down';

/**
 * Scrapes one target every interval: fetch → parse → convert → hand to the pipeline. Nothing here throws
 * or rejects. Problems are logged when they start and when they end, not at every scrape: a target going
 * down, coming back, starting or stopping to serve malformed lines, the pipeline starting or stopping to
 * refuse. A tick that finds the previous scrape still running is skipped, as Prometheus does.
 */
export class ScrapeLoop {
  private readonly fetcher: PageFetcher;
  private readonly conversion: ConversionTarget;
  private readonly stats: TargetTelemetry;
  private readonly url: string;
  private firstTimer: Timer | undefined;
  private intervalTimer: Timer | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private health: Health = 'unknown';
  private malformed = false;
  private refusing = false;
  private nodeId: string | undefined;
  private identityWarned = false;

  constructor(
    readonly target: ScrapeTarget,
    private readonly deps: LoopDeps,
  ) {
    this.fetcher = new PageFetcher(target, deps.clock);
    this.conversion = { labels: new PointLabels(target), resources: new TargetResources(target), startTimes: new StartTimes() };
    this.stats = new TargetTelemetry(deps.telemetry, deps.receiverId, target.job, target.instance);
    this.url = targetUrl(target);
  }

  /** Series whose start time is tracked now (tests). */
  get trackedSeries(): number {
    return this.conversion.startTimes.size;
  }

  schedule(): void {
    this.firstTimer = this.deps.clock.setTimeout(() => {
      this.firstTimer = undefined;
      if (this.stopped) return;
      this.intervalTimer = this.deps.clock.setInterval(() => this.tick(), this.target.intervalMs);
      this.tick();
    }, this.target.offsetMs);
  }

  /** Resolves when the scrape in flight, if any, has finished. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.firstTimer?.cancel();
    this.intervalTimer?.cancel();
    this.fetcher.close();
    await this.idle();
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.deps.logger.debug({ target: this.url }, 'previous scrape still running: this one is skipped');
      return;
    }
    this.running = this.scrape().finally(() => {
      this.running = undefined;
    });
  }

  private async scrape(): Promise<void> {
    try {
      await this.scrapeOnce();
    } catch (err) {
      // A bug, not a target problem: keep the loop alive and say so once per episode.
      this.fail('parse', `internal error: ${errorMessage(err)}`, 0);
    }
  }

  private async scrapeOnce(): Promise<void> {
    const atMs = this.deps.clock.now();
    const began = performance.now();
    const fetched = await this.fetcher.fetch();
    if (this.stopped) return;
    if (!fetched.ok) {
      this.fail(fetched.reason, fetched.message, began);
      return;
    }
    const page = parsePage(fetched.body);
    if (page.fatal !== undefined) {
      // As Prometheus: a sample it cannot read, or bytes that are not UTF-8, make the whole page untrusted.
      this.fail('parse', `${describeError(page.fatal)} (Prometheus refuses such a page too; nothing of it is used)`, began);
      return;
    }
    if (page.sampleCount === 0 && page.errorCount > 0) {
      this.stats.parseErrors(page.errorCount);
      this.fail('parse', `no valid sample in the page (${describeError(page.errors[0])})`, began);
      return;
    }
    this.checkIdentity(kongNodeId(page));
    const rules = this.target.metricRelabel ?? [];
    const converted = convertPage(rules.length > 0 ? relabelPage(page, rules, this.target) : page, atMs, this.conversion);
    this.stats.duration((performance.now() - began) / 1000);
    this.stats.samples(page.sampleCount);
    this.stats.parseErrors(page.errorCount + converted.errorCount);
    this.stats.up(1);
    this.reportMalformed(page.errorCount + converted.errorCount, page.errors[0] ?? converted.errors[0]);
    if (this.health !== 'up') {
      if (this.health === 'down') this.deps.logger.info({ target: this.url }, 'target answers again: scraping resumed (up=1)');
      else this.deps.logger.debug({ target: this.url, samples: page.sampleCount }, 'first scrape succeeded');
      this.health = 'up';
    }
    if (converted.points === 0) return;
    try {
      await this.deps.next.consume(metricBatch(converted.resourceMetrics));
      this.stats.accepted(converted.points);
      if (this.refusing) {
        this.refusing = false;
        this.deps.logger.info({ target: this.url }, 'the pipeline takes scraped points again');
      }
    } catch (err) {
      const reason = refusedReasonOf(err);
      this.stats.refused(reason, converted.points);
      if (!this.refusing) {
        this.refusing = true;
        this.deps.logger.warn(
          { target: this.url, reason, points: converted.points, error: errorMessage(err) },
          'the pipeline refused a scrape: its points are dropped (counters lose nothing, the next scrape carries their totals)',
        );
      }
    }
  }

  /**
   * Another Kong node answered behind the same address (a Service or balancer in front of several pods):
   * its counters are not the previous node's, so they start a new stream (a baseline, like a new target)
   * instead of reading as a reset of the old one. Warned once per target; counted every time.
   */
  private checkIdentity(nodeId: string | undefined): void {
    if (nodeId === undefined) return;
    const previous = this.nodeId;
    this.nodeId = nodeId;
    if (previous === undefined || previous === nodeId) return;
    this.stats.identityChanged();
    this.conversion.startTimes.forget();
    if (!this.identityWarned) {
      this.identityWarned = true;
      this.deps.logger.warn(
        { target: this.url, previous_node_id: previous, node_id: nodeId },
        "the target's Kong node_id changed between scrapes: several Kong nodes answer at this address (scrape each node, e.g. through dns_sd_configs or kubernetes_sd_configs); its series start anew (logged once per target)",
      );
    }
  }

  private fail(reason: ScrapeFailureReason, detail: string, began: number): void {
    this.stats.failure(reason);
    this.stats.up(0);
    if (began > 0) this.stats.duration((performance.now() - began) / 1000);
    if (this.health !== 'down') {
      this.health = 'down';
      this.deps.logger.warn({ target: this.url, reason, detail }, 'scrape failed (up=0); logged again only when the target recovers');
    }
  }

  private reportMalformed(errors: number, first: ParseError | undefined): void {
    if (errors > 0 && !this.malformed) {
      this.malformed = true;
      this.deps.logger.warn(
        { target: this.url, skipped: errors, first: describeError(first) },
        'malformed lines or series skipped; the rest of the page was kept (logged again only after a clean page)',
      );
    } else if (errors === 0 && this.malformed) {
      this.malformed = false;
      this.deps.logger.info({ target: this.url }, 'the page is well-formed again');
    }
  }
}

function describeError(e: ParseError | undefined): string {
  return e === undefined ? 'no detail' : `line ${e.line}: ${e.message}`;
}
