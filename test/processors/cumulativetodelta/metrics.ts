import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { FLAG_NO_RECORDED_VALUE, type MetricBatch, metricBatch } from '../../../core/index.js';
import { type MetricOpts, sumMetric } from '../../support/metric_data.js';

/** The ManualClock's default "now", in seconds: processor start time in these tests. */
export const T0 = 1_700_000_000;
/** Offsets in seconds from T0 → HrTime. 0 means "unset" only when passed as UNSET. */
export const at = (sec: number): HrTime => [T0 + sec, 0];
export const UNSET: HrTime = [0, 0];

export interface PointSpec<V> {
  value: V;
  /** End time, seconds after T0. */
  t: number;
  /** Start time, seconds after T0; omitted → unset ([0, 0]). */
  start?: number;
  attrs?: Attributes;
  noValue?: boolean;
}

export function point<V>(p: PointSpec<V>): DataPoint<V> & { flags?: number } {
  const dp: DataPoint<V> & { flags?: number } = {
    startTime: p.start === undefined ? UNSET : at(p.start),
    endTime: at(p.t),
    attributes: p.attrs ?? {},
    value: p.value,
  };
  if (p.noValue) dp.flags = FLAG_NO_RECORDED_VALUE;
  return dp;
}

export function histogramMetric(name: string, points: DataPoint<Histogram>[], opts: MetricOpts = {}): MetricData {
  return {
    descriptor: { name, description: '', unit: opts.unit ?? 'ms', valueType: ValueType.DOUBLE },
    aggregationTemporality: opts.temporality ?? AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: points,
  };
}

export function expHistogramMetric(name: string, points: DataPoint<ExponentialHistogram>[]): MetricData {
  return {
    descriptor: { name, description: '', unit: 'ms', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
    dataPoints: points,
  };
}

export function hist(counts: number[], opts: { sum?: number; bounds?: number[]; min?: number; max?: number } = {}): Histogram {
  const h: Histogram = {
    buckets: { boundaries: opts.bounds ?? counts.slice(1).map((_, i) => (i + 1) * 10), counts },
    count: counts.reduce((a, b) => a + b, 0),
  };
  if (opts.sum !== undefined) h.sum = opts.sum;
  if (opts.min !== undefined) h.min = opts.min;
  if (opts.max !== undefined) h.max = opts.max;
  return h;
}

export interface ScopeSpec {
  name?: string;
  version?: string;
  schemaUrl?: string;
  attributes?: Attributes;
}

export function resourceMetrics(metrics: MetricData[], resource: Attributes = { 'service.name': 'kong' }, scope: ScopeSpec = {}): ResourceMetrics {
  return {
    resource: resourceFromAttributes(resource),
    scopeMetrics: [{ scope: { name: 'kong', ...scope }, metrics }],
  };
}

export function batchOf(...metrics: MetricData[]): MetricBatch {
  return metricBatch([resourceMetrics(metrics)]);
}

/** Every metric of a batch, flattened. */
export function metricsOf(batch: MetricBatch): MetricData[] {
  return batch.resourceMetrics.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

/** One input value of a series: a number, a histogram value, or 'nv' for a "no recorded value" point. */
export type Step<V> = V | 'nv';

export interface SeriesOpts {
  /** Start time of every point (seconds after T0), or per point; omitted → unset. */
  start?: number | ((i: number) => number | undefined);
  attrs?: Attributes;
  unit?: string;
  monotonic?: boolean;
  temporality?: AggregationTemporality;
}

/** Point i of a series is stamped T0 + 10·(i+1) s: one scrape every 10 s, all after the processor started. */
export const stepTime = (i: number): number => 10 * (i + 1);

function specOf<V>(v: V, i: number, opts: SeriesOpts): PointSpec<V> {
  const start = typeof opts.start === 'function' ? opts.start(i) : opts.start;
  return { value: v, t: stepTime(i), start, attrs: opts.attrs };
}

function stepPoint<V>(s: Step<V>, i: number, zero: V, opts: SeriesOpts): DataPoint<V> {
  return s === 'nv' ? point({ ...specOf(zero, i, opts), noValue: true }) : point(specOf(s, i, opts));
}

export function sumSeries(name: string, steps: Step<number>[], opts: SeriesOpts = {}): MetricData[] {
  return steps.map((s, i) => sumMetric(name, [stepPoint(s, i, 0, opts)], opts));
}

export function histogramSeries(name: string, steps: Step<Histogram>[], opts: SeriesOpts = {}): MetricData[] {
  return steps.map((s, i) => histogramMetric(name, [stepPoint(s, i, hist([0, 0, 0]), opts)], opts));
}

export function expSeries(name: string, steps: Step<ExponentialHistogram>[], opts: SeriesOpts = {}): MetricData[] {
  const zero: ExponentialHistogram = { count: 0, scale: 0, zeroCount: 0, positive: { offset: 0, bucketCounts: [] }, negative: { offset: 0, bucketCounts: [] } };
  return steps.map((s, i) => expHistogramMetric(name, [stepPoint(s, i, zero, opts)]));
}

/** Zips series into batches: batch i holds step i of every series that has one. */
export function steps(...series: MetricData[][]): MetricBatch[] {
  const n = Math.max(...series.map((s) => s.length));
  const out: MetricBatch[] = [];
  for (let i = 0; i < n; i++) out.push(batchOf(...series.flatMap((s) => (i < s.length ? [s[i]] : []))));
  return out;
}
