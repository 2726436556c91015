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
import { PointLabels, sameSeries, seriesKey } from './labels.js';
import { MAX_REPORTED_ERRORS, parseSampleValue, type MetricFamily, type ParsedPage, type ParseError, type Sample } from './parser.js';
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

interface HistogramSeries {
  readonly labels: readonly string[];
  readonly line: number;
  readonly bounds: number[];
  readonly cumulative: number[];
  sum: number | undefined;
  count: number | undefined;
  timestampMs: number | undefined;
  problem: string | undefined;
}

interface SummarySeries {
  readonly labels: readonly string[];
  readonly quantiles: Sample[];
  sum: number | undefined;
  count: number | undefined;
  timestampMs: number | undefined;
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

function labelValue(labels: readonly string[], name: string): string | undefined {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return labels[k + 1];
  return undefined;
}

const TAG_COUNTER = '\u0002c';
const TAG_GAUGE = '\u0002g';
const TAG_HISTOGRAM = '\u0002h';
const TAG_SUMMARY = '\u0002s';

class PageConverter {
  private readonly metrics = new Map<Resource, MetricData[]>();
  private readonly errors: ParseError[] = [];
  private errorCount = 0;
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
    return { resourceMetrics, points: this.points, errors: this.errors, errorCount: this.errorCount };
  }

  private error(line: number, message: string): void {
    this.errorCount++;
    if (this.errors.length < MAX_REPORTED_ERRORS) this.errors.push({ line, message });
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
    const series = new Map<string, HistogramSeries>();
    const prefix = f.name + TAG_HISTOGRAM;
    let h: HistogramSeries | undefined;
    for (const s of f.samples) {
      // A series' buckets, _sum and _count come one after the other: key only when the labels change.
      if (h === undefined || !sameSeries(h.labels, s.labels, 'le')) {
        const key = seriesKey(prefix, s.labels, 'le');
        h = series.get(key);
        if (h === undefined) {
          h = { labels: s.labels, line: s.line, bounds: [], cumulative: [], sum: undefined, count: undefined, timestampMs: undefined, problem: undefined };
          series.set(key, h);
        }
      }
      h.timestampMs ??= s.timestampMs;
      if (s.suffix === '_sum') h.sum = s.value;
      else if (s.suffix === '_count') h.count = s.value;
      else {
        const le = labelValue(s.labels, 'le');
        const bound = le === undefined ? NaN : parseSampleValue(le);
        if (Number.isNaN(bound)) h.problem ??= `line ${s.line}: a bucket needs an le label holding a number or +Inf`;
        else {
          h.bounds.push(bound);
          h.cumulative.push(s.value);
        }
      }
    }
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
    const series = new Map<string, SummarySeries>();
    const prefix = f.name + TAG_SUMMARY;
    for (const s of f.samples) {
      const key = seriesKey(prefix, s.labels, 'quantile');
      let q = series.get(key);
      if (q === undefined) {
        q = { labels: s.labels, quantiles: [], sum: undefined, count: undefined, timestampMs: undefined };
        series.set(key, q);
      }
      q.timestampMs ??= s.timestampMs;
      if (s.suffix === '_sum') q.sum = s.value;
      else if (s.suffix === '_count') q.count = s.value;
      else if (labelValue(s.labels, 'quantile') === undefined) this.error(s.line, `${f.name}: a summary sample needs a quantile label: ignored`);
      else q.quantiles.push(s);
    }
    const quantiles = new PointsByResource<number>();
    const sums = new PointsByResource<number>();
    const counts = new PointsByResource<number>();
    for (const [key, q] of series) {
      const end = this.endTime(q.timestampMs);
      for (const s of q.quantiles) {
        const r = this.t.labels.resolve(s.labels, undefined);
        const qEnd = this.endTime(s.timestampMs);
        quantiles.add(this.t.resources.for(r.job, r.instance), { startTime: qEnd, endTime: qEnd, attributes: r.attributes, value: s.value });
      }
      if (q.sum === undefined && q.count === undefined) continue;
      const start = this.t.startTimes.cumulative(key, q.count ?? q.sum ?? 0, this.endMs(q.timestampMs)) ?? end;
      const r = this.t.labels.resolve(q.labels, 'quantile');
      const resource = this.t.resources.for(r.job, r.instance);
      if (q.sum !== undefined) sums.add(resource, { startTime: start, endTime: end, attributes: r.attributes, value: q.sum });
      if (q.count !== undefined) counts.add(resource, { startTime: start, endTime: end, attributes: r.attributes, value: q.count });
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
