import {
  type Batch,
  type ComponentContext,
  type Consumer,
  countDataPoints,
  errorMessage,
  type Host,
  isBackPressure,
  type KongLogEntry,
  metricBatch,
  type Processor,
  type Timer,
  withCovers,
} from '../../core/index.js';
import { KongEntryAggregator } from './aggregator.js';
import type { KongMetricsConfig } from './config.js';
import { type Collected, collectCumulative, collectDelta, restoreDeltas } from './data_points.js';
import { DurableLog, type DurableLogOptions } from './durable/durable_log.js';
import { PriceTable } from './pricing.js';
import { mapScrapedKongSeries, type ScrapeMappingOptions } from './scrape_mapping.js';
import { KongMetricsTelemetry } from './telemetry.js';

/** Scope of every metric kong_metrics produces; the version follows package.json. */
export const SCOPE = { name: 'kongtel/kong_metrics', version: '0.1.0' } as const;

/**
 * Aggregates Kong log entries into series and emits them every `interval` and once more on shutdown;
 * metric batches pass through untouched.
 */
export class KongMetricsProcessor implements Processor {
  private readonly aggregator: KongEntryAggregator;
  private readonly telemetry: KongMetricsTelemetry;
  private timer: Timer | undefined;
  /** The emission in progress (or the last one): each new emission waits for it, so two never interleave. */
  private emitting: Promise<void> = Promise.resolve();
  /** Failed emissions in a row: warn on the first, say so when one succeeds again. */
  private failedInARow = 0;
  private unreadableLogged = false;
  private budgetSpentLogged = false;
  /** Durable mode (`storage`): the write-ahead log every accepted entry goes through. */
  private readonly durable: DurableLog | undefined;
  private host: Host | undefined;

  private readonly scrapeMapping: ScrapeMappingOptions;

  constructor(
    private readonly config: KongMetricsConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
    options: { readonly durable?: DurableLogOptions } = {},
  ) {
    this.telemetry = new KongMetricsTelemetry(ctx);
    this.scrapeMapping = { dropUnmapped: config.drop_unmapped, excluded: new Set(config.exclude_attributes) };
    this.aggregator = new KongEntryAggregator({
      excluded: config.exclude_attributes,
      knownMethods: new Set(config.http_known_methods),
      prices: new PriceTable(config.pricing),
      tokenUsageAs: config.token_usage_as,
      buckets: config.buckets,
      maxSeriesPerMetric: config.max_series_per_metric,
      maxSeries: config.max_series,
      onOverflow: (metric) => this.overflowed(metric),
      naming: config.naming,
    });
    const budget = this.aggregator.seriesBudget;
    this.telemetry.seriesBudget(() => budget.used, budget.cap);
    this.durable =
      config.storage === undefined
        ? undefined
        : new DurableLog(ctx.storage(config.storage), ctx, (entries) => this.aggregateEntries(entries), options.durable);
  }

  async start(host: Host): Promise<void> {
    this.host = host;
    // Exporters started first, so they can say how far the log is covered; the rest is replayed.
    await this.durable?.open(host);
    this.timer = this.ctx.clock.setInterval(() => void this.emit(false), this.config.interval);
  }

  async shutdown(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    await this.emit(true);
    await this.durable?.close(this.host);
  }

  consume(batch: Batch): Promise<void> {
    if (batch.signal === 'metrics') {
      this.telemetry.itemsIn.add(countDataPoints(batch));
      // Scraped Kong Prometheus-plugin series get the instruments Kong's logs give; the rest passes through.
      // Under `naming: kong` they already are what the entries give: Kong's families.
      const mapped = this.config.naming === 'kong' ? { batch, droppedPoints: 0 } : mapScrapedKongSeries(batch, this.scrapeMapping);
      this.telemetry.droppedUnmapped.add(mapped.droppedPoints);
      const points = countDataPoints(mapped.batch);
      return this.next.consume(mapped.batch).then(() => this.telemetry.pointsOut.add(points));
    }
    this.telemetry.itemsIn.add(batch.entries.length);
    // Durable: aggregated once on disk, and only then answered.
    if (this.durable !== undefined) return this.durable.accept(batch.entries);
    this.aggregateEntries(batch.entries);
    return Promise.resolve();
  }

  private aggregateEntries(entries: readonly KongLogEntry[]): void {
    const unreadable = this.aggregator.aggregate(entries, this.ctx.clock.now());
    if (unreadable.length > 0 && !this.unreadableLogged) {
      this.unreadableLogged = true;
      this.ctx.logger.warn(
        { processor: this.ctx.id, entryIndexes: unreadable.slice(0, 20) },
        'kong_metrics: skipped log entries it could not read (logged once); please report the Kong version that sent them',
      );
    }
  }

  /** Queues one emission behind the previous one; never rejects. */
  emit(final: boolean): Promise<void> {
    const run = this.emitting.then(() => this.emitOnce(final));
    this.emitting = run;
    return run;
  }

  private async emitOnce(final: boolean): Promise<void> {
    const now = this.ctx.clock.now();
    const collected: Collected =
      this.config.temporality === 'delta'
        ? collectDelta(this.aggregator.metrics, now)
        : collectCumulative(this.aggregator.metrics, now);
    if (collected.pointCount === 0) return;
    // Read in the same synchronous step as the collection: the state holds exactly the log up to here.
    const covers = this.durable?.covers();
    const batch = withCovers(
      metricBatch([{ resource: this.ctx.resource, scopeMetrics: [{ scope: { ...SCOPE }, metrics: collected.metrics }] }]),
      covers,
    );
    try {
      await this.next.consume(batch);
      this.telemetry.pointsOut.add(collected.pointCount);
      await this.durable?.trim(this.host);
      if (this.failedInARow > 0) {
        this.ctx.logger.info(
          { processor: this.ctx.id, failedEmissions: this.failedInARow },
          'kong_metrics: emission accepted downstream again',
        );
        this.failedInARow = 0;
      }
    } catch (err) {
      this.failedInARow++;
      // Cumulative series are re-sent whole next time; deltas go back into their series.
      restoreDeltas(collected.taken);
      if (final && this.durable !== undefined) {
        this.ctx.logger.warn(
          { processor: this.ctx.id, points: collected.pointCount, error: errorMessage(err) },
          'kong_metrics: the last emission at shutdown was refused downstream; its entries stay in the write-ahead log ' +
            'and are replayed at the next start',
        );
      } else if (final) {
        this.telemetry.droppedAtShutdown.add(collected.pointCount);
        this.ctx.logger.error(
          { processor: this.ctx.id, points: collected.pointCount, error: errorMessage(err) },
          'kong_metrics: the last emission at shutdown was refused downstream; its points are lost ' +
            '(check the exporters of this pipeline)',
        );
      } else if (this.failedInARow === 1) {
        this.ctx.logger.warn(
          {
            processor: this.ctx.id,
            points: collected.pointCount,
            backPressure: isBackPressure(err),
            error: errorMessage(err),
          },
          this.config.temporality === 'delta'
            ? 'kong_metrics: emission refused downstream; the deltas are kept and sent with the next emission'
            : 'kong_metrics: emission refused downstream; the cumulative values are sent again with the next emission',
        );
      }
    }
  }

  /** Counts a point recorded into an overflow series; warns once per metric, and once for `max_series`. */
  private overflowed(metric: string): void {
    if (!this.telemetry.overflowPoint(metric)) return;
    const c = this.config;
    const advice = 'totals stay exact. Raise it, or drop high-cardinality attributes with exclude_attributes';
    if (this.aggregator.seriesBudget.spent) {
      if (this.budgetSpentLogged) return;
      this.budgetSpentLogged = true;
      this.ctx.logger.warn(
        { processor: this.ctx.id, metric, maxSeries: c.max_series },
        `kong_metrics: reached max_series (${c.max_series} series across all its metrics); new attribute sets of every ` +
          `metric go to that metric's otel.metric.overflow series (logged once); ${advice}`,
      );
      return;
    }
    this.ctx.logger.warn(
      { processor: this.ctx.id, metric, maxSeriesPerMetric: c.max_series_per_metric },
      `kong_metrics: ${metric} reached max_series_per_metric (${c.max_series_per_metric}); its new attribute sets go to ` +
        `its otel.metric.overflow series (logged once per metric); ${advice}`,
    );
  }
}
