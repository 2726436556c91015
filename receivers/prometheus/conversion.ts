import { ValueType, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { msToHrTime } from '../../core/index.js';
import { toHistogram } from './histogram_buckets.js';
import { groupHistogram, groupSummary } from './series_groups.js';
import { PointLabels, seriesKey } from './labels.js';
import { ErrorList, type MetricFamily, type ParsedPage, type ParseError } from './exposition.js';
import type { TargetResources } from './resources.js';
import type { StartTimes } from './start_times.js';

/**
 * Parsed families → one cumulative `ResourceMetrics` per target (per job/instance pair with
 * `honor_labels`). Names stay the Prometheus family names (`kong_http_requests_total`), which the
 * kong_metrics scrape mapping keys on:
 *
 * | Prometheus | OTel |
 * |---|---|
 * | counter | monotonic cumulative Sum |
 * | gauge, untyped | Gauge |
 * | histogram | explicit-bucket Histogram: `le` bounds, cumulative bucket counts made per-bucket, `_sum`, `_count` |
 * | summary | Gauge `<name>` with a `quantile` attribute per quantile, monotonic Sums `<name>_sum`, `<name>_count` (the SDK's data model has no Summary) |
 */

export const SCOPE = { name: 'kongtel/receiver/prometheus', version: '0.1.0' } as const;

export interface ConversionTarget {
  readonly labels: PointLabels;
  readonly resources: TargetResources;
  readonly startTimes: StartTimes;
}

export interface ConversionResult {
  readonly resourceMetrics: ResourceMetrics[];
  readonly points: number;
  /** Series that could not be converted (duplicates, malformed histograms), with their line numbers. */
  readonly errors: readonly ParseError[];
  readonly errorCount: number;
}

/** Points of one metric, by the resource they belong to (nearly always just the target's). */
class PointsByResource<T> {
  readonly byResource = new Map<Resource, DataPoint<T>[]>();

  add(resource: Resource, point: DataPoint<T>): void {
    const list = this.byResource.get(resource);
    if (list === undefined) this.byResource.set(resource, [point]);
    else list.push(point);
  }
}

const TAG_COUNTER = '\u0002c';
const TAG_GAUGE = '\u0002g';

class PageConverter {
  private readonly metrics = new Map<Resource, MetricData[]>();
  private readonly errors = new ErrorList();
  private points = 0;
  private readonly at: HrTime;

  constructor(
    private readonly atMs: number,
    private readonly t: ConversionTarget,
  ) {
    this.at = msToHrTime(atMs);
    this.metrics.set(t.resources.main, []);
  }

  run(page: ParsedPage): ConversionResult {
    this.t.startTimes.begin(this.atMs);
    for (const f of page.families) {
      switch (f.type) {
        case 'counter':
          this.counter(f);
          break;
        case 'histogram':
          this.histogram(f);
          break;
        case 'summary':
          this.summary(f);
          break;
        default:
          this.gauge(f);
      }
    }
    this.t.startTimes.end();
    const resourceMetrics: ResourceMetrics[] = [];
    for (const [resource, metrics] of this.metrics) {
      if (metrics.length > 0) resourceMetrics.push({ resource, scopeMetrics: [{ scope: { ...SCOPE }, metrics }] });
    }
    return { resourceMetrics, points: this.points, errors: this.errors.list, errorCount: this.errors.count };
  }

  private error(line: number, message: string): void {
    this.errors.add(line, message);
  }

  private endMs(timestampMs: number | undefined): number {
    return timestampMs ?? this.atMs;
  }

  private endTime(timestampMs: number | undefined): HrTime {
    return timestampMs === undefined ? this.at : msToHrTime(timestampMs);
  }

  private counter(f: MetricFamily): void {
    const out = new PointsByResource<number>();
    const prefix = f.name + TAG_COUNTER;
    for (const s of f.samples) {
      const start = this.t.startTimes.cumulative(seriesKey(prefix, s.labels, undefined), s.value, this.endMs(s.timestampMs));
      if (start === undefined) {
        this.error(s.line, `${f.name}: a second sample with the same labels in one page: ignored`);
        continue;
      }
      const r = this.t.labels.resolve(s.labels, undefined);
      out.add(this.t.resources.for(r.job, r.instance), { startTime: start, endTime: this.endTime(s.timestampMs), attributes: r.attributes, value: s.value });
    }
    this.emitSum(f.name, f, out);
  }

  private gauge(f: MetricFamily): void {
    const out = new PointsByResource<number>();
    const prefix = f.name + TAG_GAUGE;
    for (const s of f.samples) {
      if (!this.t.startTimes.gauge(seriesKey(prefix, s.labels, undefined))) {
        this.error(s.line, `${f.name}: a second sample with the same labels in one page: ignored`);
        continue;
      }
      const r = this.t.labels.resolve(s.labels, undefined);
      const end = this.endTime(s.timestampMs);
      out.add(this.t.resources.for(r.job, r.instance), { startTime: end, endTime: end, attributes: r.attributes, value: s.value });
    }
    this.emitGauge(f.name, f, out);
  }

  private histogram(f: MetricFamily): void {
    const series = groupHistogram(f, this.errors);
    const out = new PointsByResource<Histogram>();
    for (const [key, h] of series) {
      const value = h.problem === undefined ? toHistogram(h) : h.problem;
      if (typeof value === 'string') {
        this.error(h.line, `${f.name}: ${value}; the series is skipped`);
        continue;
      }
      const endMs = this.endMs(h.timestampMs);
      const start = this.t.startTimes.cumulative(key, value.count, endMs) ?? this.endTime(h.timestampMs);
      const r = this.t.labels.resolve(h.labels, 'le');
      out.add(this.t.resources.for(r.job, r.instance), { startTime: start, endTime: this.endTime(h.timestampMs), attributes: r.attributes, value });
    }
    for (const [resource, dataPoints] of out.byResource) {
      this.points += dataPoints.length;
      this.push(resource, {
        descriptor: descriptor(f.name, f),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.HISTOGRAM,
        dataPoints,
      });
    }
  }

  private summary(f: MetricFamily): void {
    const series = groupSummary(f, this.errors);
    const quantiles = new PointsByResource<number>();
    const sums = new PointsByResource<number>();
    const counts = new PointsByResource<number>();
    for (const [key, q] of series) {
      for (const s of q.quantiles) {
        const r = this.t.labels.resolve(s.labels, undefined);
        const qEnd = this.endTime(s.timestampMs);
        quantiles.add(this.t.resources.for(r.job, r.instance), { startTime: qEnd, endTime: qEnd, attributes: r.attributes, value: s.value });
      }
      // _sum and _count share one start (a reset of the count resets both); each keeps its own time.
      const total = q.count ?? q.sum;
      if (total === undefined) continue;
      const start = this.t.startTimes.cumulative(key, total.value, this.endMs(total.timestampMs)) ?? this.endTime(total.timestampMs);
      const r = this.t.labels.resolve(q.labels, 'quantile');
      const resource = this.t.resources.for(r.job, r.instance);
      if (q.sum !== undefined) sums.add(resource, { startTime: start, endTime: this.endTime(q.sum.timestampMs), attributes: r.attributes, value: q.sum.value });
      if (q.count !== undefined) counts.add(resource, { startTime: start, endTime: this.endTime(q.count.timestampMs), attributes: r.attributes, value: q.count.value });
    }
    this.emitGauge(f.name, f, quantiles);
    this.emitSum(`${f.name}_sum`, f, sums);
    this.emitSum(`${f.name}_count`, f, counts);
  }

  private emitSum(name: string, f: MetricFamily, out: PointsByResource<number>): void {
    for (const [resource, dataPoints] of out.byResource) {
      this.points += dataPoints.length;
      this.push(resource, {
        descriptor: descriptor(name, f),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints,
      });
    }
  }

  private emitGauge(name: string, f: MetricFamily, out: PointsByResource<number>): void {
    for (const [resource, dataPoints] of out.byResource) {
      this.points += dataPoints.length;
      this.push(resource, {
        descriptor: descriptor(name, f),
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.GAUGE,
        dataPoints,
      });
    }
  }

  private push(resource: Resource, metric: MetricData): void {
    const list = this.metrics.get(resource);
    if (list === undefined) this.metrics.set(resource, [metric]);
    else list.push(metric);
  }
}

function descriptor(name: string, f: MetricFamily) {
  return { name, description: f.help, unit: f.unit, valueType: ValueType.DOUBLE };
}

/** Converts one parsed page; updates the target's start times (call only for a page that was fetched whole). */
export function convertPage(page: ParsedPage, atMs: number, target: ConversionTarget): ConversionResult {
  return new PageConverter(atMs, target).run(page);
}
