import type { HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  type Batch,
  type ComponentContext,
  type Consumer,
  type Host,
  countDataPoints,
  errorMessage,
  hasNoRecordedValue,
  hrTimeToMs,
  metricBatch,
  type MetricBatch,
  PermanentError,
  type Processor,
  type Timer,
  withCovers,
} from '../../core/index.js';
import type { CumulativeToDeltaConfig, FilterMetricType } from './config.js';
import { type ExponentialHistogramBaseline, exponentialHistogramKind } from './exponential_histogram_point.js';
import { type HistogramBaseline, histogramKind } from './histogram_point.js';
import { metricFilter, type MetricFilter } from './metric_filter.js';
import type { OutPoint, PointKind } from './point_kind.js';
import { attributesHash } from './attribute_hash.js';
import { metricKey, resourceKey, scopeKey } from './stream_key.js';
import { type Baseline, type EvictionReason, type MetricStreams, StreamTable } from './stream_table.js';
import { type SumBaseline, sumKind } from './sum_point.js';
import { CumulativeToDeltaTelemetry } from './telemetry.js';
import { UndoLog } from './undo_log.js';

/** Stale streams are looked for at least this often, so a 25h max_staleness does not mean 50h of memory. */
const MAX_SWEEP_EVERY_MS = 60_000;

function isSet(t: HrTime): boolean {
  return t[0] !== 0 || t[1] !== 0;
}

function sameTime(a: HrTime, b: HrTime): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/**
 * Turns cumulative monotonic sums and histograms into deltas, one stream at a time (the Collector's
 * cumulativetodelta, except that a decrease is a reset whose new value counts and "no recorded value"
 * points keep their flag). Never mutates its input: other pipelines may hold the same batch.
 */
export class CumulativeToDeltaProcessor implements Processor {
  private readonly table: StreamTable;
  private readonly sums = new Map<string, MetricStreams<SumBaseline>>();
  private readonly histograms = new Map<string, MetricStreams<HistogramBaseline>>();
  private readonly exponentials = new Map<string, MetricStreams<ExponentialHistogramBaseline>>();
  private readonly filter: MetricFilter;
  private readonly telemetry: CumulativeToDeltaTelemetry;
  private readonly warned = new Set<string>();
  /** Points whose start time is earlier than this were counting before kongtel saw them (initial_value auto). */
  private startMs: number;
  private sweeper: Timer | undefined;

  constructor(
    private readonly config: CumulativeToDeltaConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
  ) {
    this.filter = metricFilter(config.include, config.exclude);
    this.table = new StreamTable(config.max_streams, (reason, n) => this.evicted(reason, n));
    this.telemetry = new CumulativeToDeltaTelemetry(ctx, () => this.table.size, config.max_streams);
    this.startMs = ctx.clock.now();
  }

  async start(_host: Host): Promise<void> {
    this.startMs = this.ctx.clock.now();
    const staleness = this.config.max_staleness;
    if (staleness > 0) {
      this.sweeper = this.ctx.clock.setInterval(
        () => this.table.sweep(this.ctx.clock.now() - staleness),
        Math.min(staleness, MAX_SWEEP_EVERY_MS),
      );
    }
  }

  async shutdown(): Promise<void> {
    this.sweeper?.cancel();
    this.sweeper = undefined;
  }

  /** Streams currently tracked (for tests and the self-metric gauge). */
  get streamCount(): number {
    return this.table.size;
  }

  async consume(batch: Batch): Promise<void> {
    // The graph validator keeps logs away; pass them on rather than fail if one slips through.
    if (batch.signal !== 'metrics') return this.next.consume(batch);
    this.telemetry.pointsIn.add(countDataPoints(batch));
    const undo = new UndoLog();
    let out: MetricBatch;
    try {
      // Durable mode: the output reflects exactly the input, so it covers the same log positions.
      out = withCovers(metricBatch(this.convert(batch, undo)), batch.covers);
    } catch (err) {
      // Only malformed input gets here (e.g. a histogram without buckets); nothing it did may stick.
      undo.rollback(this.table);
      throw new PermanentError(`processor ${this.ctx.id}: malformed metric data: ${errorMessage(err)}`);
    }
    if (out.resourceMetrics.length === 0) return;
    this.telemetry.pointsOut.add(countDataPoints(out));
    try {
      await this.next.consume(out);
    } catch (err) {
      undo.rollback(this.table);
      throw err;
    }
  }

  private convert(batch: MetricBatch, undo: UndoLog): ResourceMetrics[] {
    const out: ResourceMetrics[] = [];
    for (const rm of batch.resourceMetrics) {
      let rKey: string | undefined;
      const scopes: ScopeMetrics[] = [];
      for (const sm of rm.scopeMetrics) {
        let prefix: string | undefined;
        const metrics: MetricData[] = [];
        for (const m of sm.metrics) {
          const type = this.convertible(m);
          if (type === undefined) {
            metrics.push(m);
            continue;
          }
          rKey ??= resourceKey(rm.resource);
          prefix ??= rKey + scopeKey(sm.scope);
          const converted = this.convertMetric(m, prefix, undo);
          // A converted metric left without points (all first points dropped) is removed, as upstream does.
          if (converted !== undefined) metrics.push(converted);
        }
        if (metrics.length > 0) scopes.push({ scope: sm.scope, metrics });
      }
      if (scopes.length > 0) out.push({ resource: rm.resource, scopeMetrics: scopes });
    }
    return out;
  }

  /** The filter type of a metric this processor converts, or undefined to pass it through untouched. */
  private convertible(m: MetricData): FilterMetricType | undefined {
    if (m.aggregationTemporality !== AggregationTemporality.CUMULATIVE) return undefined;
    let type: FilterMetricType;
    switch (m.dataPointType) {
      case DataPointType.SUM:
        if (!m.isMonotonic) return undefined;
        type = 'sum';
        break;
      case DataPointType.HISTOGRAM:
        type = 'histogram';
        break;
      case DataPointType.EXPONENTIAL_HISTOGRAM:
        type = 'exponential_histogram';
        break;
      default:
        return undefined;
    }
    return this.filter(m.descriptor.name, type) ? type : undefined;
  }

  private convertMetric(m: MetricData, prefix: string, undo: UndoLog): MetricData | undefined {
    switch (m.dataPointType) {
      case DataPointType.SUM: {
        const owner = this.table.metric(this.sums, prefix + metricKey(m, 'sum'));
        const dataPoints = this.convertPoints(sumKind, owner, m.dataPoints, undo);
        return dataPoints.length === 0 ? undefined : { ...m, aggregationTemporality: AggregationTemporality.DELTA, dataPoints };
      }
      case DataPointType.HISTOGRAM: {
        const owner = this.table.metric(this.histograms, prefix + metricKey(m, 'histogram'));
        const dataPoints = this.convertPoints(histogramKind, owner, m.dataPoints, undo);
        return dataPoints.length === 0 ? undefined : { ...m, aggregationTemporality: AggregationTemporality.DELTA, dataPoints };
      }
      case DataPointType.EXPONENTIAL_HISTOGRAM: {
        const owner = this.table.metric(this.exponentials, prefix + metricKey(m, 'exponential'));
        const dataPoints = this.convertPoints(exponentialHistogramKind, owner, m.dataPoints, undo);
        return dataPoints.length === 0 ? undefined : { ...m, aggregationTemporality: AggregationTemporality.DELTA, dataPoints };
      }
      default:
        return m;
    }
  }

  /** The per-point rules shared by every kind: first point, ordering, resets, state and undo. */
  private convertPoints<V, B extends Baseline>(
    kind: PointKind<V, B>,
    owner: MetricStreams<B>,
    points: readonly DataPoint<V>[],
    undo: UndoLog,
  ): OutPoint<V>[] {
    const out: OutPoint<V>[] = [];
    for (const point of points) {
      const hash = attributesHash(point.attributes);
      const stream = owner.find(hash, point.attributes);
      if (hasNoRecordedValue(point)) {
        // Kept so the backend learns the stream went stale; the baseline is left as it was.
        out.push(kind.empty(point, stream === undefined ? point.startTime : stream.baseline.endTime));
        continue;
      }
      if (kind.passThrough(point)) {
        out.push(point);
        continue;
      }
      const timeMs = hrTimeToMs(point.endTime);
      if (stream === undefined) {
        const baseline = kind.baseline(point, undefined, timeMs);
        undo.record(this.table.add(owner, hash, point.attributes, baseline), undefined, baseline);
        if (this.keepsFirst(point)) out.push(kind.whole(point, point.startTime));
        else this.telemetry.dropped.initial.add();
        continue;
      }
      const previous = stream.baseline;
      if (timeMs < previous.timeMs) {
        // Subtracting an older point would count its increase twice once the newer one is seen again.
        this.telemetry.dropped.out_of_order.add();
        this.warnOnce('out_of_order', 'dropped a point older than the last one seen for its stream');
        continue;
      }
      const result = sameTime(point.startTime, previous.startTime) ? kind.subtract(previous, point) : 'start_time';
      if (typeof result === 'string') {
        this.telemetry.resets[result].add();
        out.push(kind.whole(point, isSet(point.startTime) ? point.startTime : previous.endTime));
      } else {
        out.push(result);
      }
      const baseline = kind.baseline(point, previous, timeMs);
      stream.baseline = baseline;
      undo.record(stream, previous, baseline);
      this.table.touch(stream);
    }
    return out;
  }

  /** initial_value: whether a stream's first point is emitted whole (its baseline is kept either way). */
  private keepsFirst(point: DataPoint<unknown>): boolean {
    switch (this.config.initial_value) {
      case 'keep':
        return true;
      case 'drop':
        return false;
      default:
        // auto: only a counter that started after kongtel did is known to hold nothing kongtel missed.
        return (
          isSet(point.startTime) && hrTimeToMs(point.startTime) >= this.startMs && !sameTime(point.startTime, point.endTime)
        );
    }
  }

  private evicted(reason: EvictionReason, n: number): void {
    this.telemetry.evicted[reason].add(n);
    if (reason === 'max_streams') {
      this.warnOnce(
        'max_streams',
        `more than max_streams (${this.config.max_streams}) streams: the least recently seen are forgotten and restart ` +
          'as first points; raise max_streams or lower the attribute cardinality',
      );
    }
  }

  private warnOnce(reason: string, message: string): void {
    if (this.warned.has(reason)) return;
    this.warned.add(reason);
    this.ctx.logger.warn({ reason }, message);
  }
}
