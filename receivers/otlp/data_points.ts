import type { DataPoint, ExponentialHistogram, Histogram } from '@opentelemetry/sdk-metrics';
import { FLAG_NO_RECORDED_VALUE, type DataPointFlags } from '../../core/index.js';
import { toAttributes } from './any_value.js';
import { nanosToHrTime } from './time.js';
import type {
  Int64Text,
  WireBuckets,
  WireExponentialHistogramPoint,
  WireHistogramPoint,
  WireNumberPoint,
  WirePointBase,
} from './wire.js';

/**
 * One OTLP data point → the SDK's `DataPoint`, or the reason it breaks OTLP's rules (a fixed text, so
 * reasons group in `partial_success`). `flags` is added only when set (see core/data.ts). Exemplars have
 * no place in the SDK's types and are not kept; neither is an exponential histogram's `zero_threshold`.
 */

export type PointOrProblem<T> = (DataPoint<T> & DataPointFlags) | string;

export const PROBLEM = {
  numberWithoutValue: 'number data point without a value (set as_int or as_double)',
  bucketCountLength: 'histogram bucket_counts must have one entry more than explicit_bounds',
  boundsOrder: 'histogram explicit_bounds must be finite and strictly increasing',
  histogramCount: 'histogram count must equal the sum of bucket_counts',
  exponentialScale: 'exponential histogram scale must be between -10 and 20',
  exponentialCount: 'exponential histogram count must equal zero_count plus every bucket count',
} as const;

/** OTLP allows scales from -10 to 20 (the SDK's own exponential histograms stay within them too). */
const MIN_SCALE = -10;
const MAX_SCALE = 20;

function point<T>(p: WirePointBase, value: T): DataPoint<T> & DataPointFlags {
  const flags = p.flags ?? 0;
  const out = {
    startTime: nanosToHrTime(p.start_time_unix_nano),
    endTime: nanosToHrTime(p.time_unix_nano),
    attributes: toAttributes(p.attributes),
    value,
  };
  return flags === 0 ? out : { ...out, flags };
}

function noRecordedValue(p: WirePointBase): boolean {
  return ((p.flags ?? 0) & FLAG_NO_RECORDED_VALUE) !== 0;
}

function counts(list: readonly Int64Text[] | undefined): number[] {
  if (list === undefined) return [];
  const out = new Array<number>(list.length);
  for (let i = 0; i < list.length; i++) out[i] = Number(list[i]);
  return out;
}

function total(values: readonly number[]): number {
  let n = 0;
  for (const v of values) n += v;
  return n;
}

/** Sum or gauge point. A point flagged "no recorded value" may come without a value; it reads as 0. */
export function numberPoint(p: WireNumberPoint): PointOrProblem<number> {
  if (p.as_int !== undefined) return point(p, Number(p.as_int));
  if (p.as_double !== undefined) return point(p, p.as_double);
  if (noRecordedValue(p)) return point(p, 0);
  return PROBLEM.numberWithoutValue;
}

export function histogramPoint(p: WireHistogramPoint): PointOrProblem<Histogram> {
  const count = Number(p.count ?? '0');
  const bucketCounts = counts(p.bucket_counts);
  let boundaries = p.explicit_bounds ?? [];
  if (bucketCounts.length === 0) {
    // OTLP allows a histogram with only count and sum. One bucket (−∞, +∞) holding every value says the
    // same, and keeps `counts.length === boundaries.length + 1`, which every consumer of the SDK's type expects.
    boundaries = [];
    bucketCounts.push(count);
  } else {
    if (bucketCounts.length !== boundaries.length + 1) return PROBLEM.bucketCountLength;
    for (let i = 0; i < boundaries.length; i++) {
      if (!Number.isFinite(boundaries[i]) || (i > 0 && boundaries[i] <= boundaries[i - 1])) return PROBLEM.boundsOrder;
    }
    if (total(bucketCounts) !== count) return PROBLEM.histogramCount;
  }
  const value: Histogram = { buckets: { boundaries, counts: bucketCounts }, count };
  if (p.sum !== undefined) value.sum = p.sum;
  if (p.min !== undefined) value.min = p.min;
  if (p.max !== undefined) value.max = p.max;
  return point(p, value);
}

function buckets(b: WireBuckets | undefined): { offset: number; bucketCounts: number[] } {
  return { offset: b?.offset ?? 0, bucketCounts: counts(b?.bucket_counts) };
}

export function exponentialHistogramPoint(p: WireExponentialHistogramPoint): PointOrProblem<ExponentialHistogram> {
  const scale = p.scale ?? 0;
  if (scale < MIN_SCALE || scale > MAX_SCALE) return PROBLEM.exponentialScale;
  const count = Number(p.count ?? '0');
  const zeroCount = Number(p.zero_count ?? '0');
  const positive = buckets(p.positive);
  const negative = buckets(p.negative);
  if (zeroCount + total(positive.bucketCounts) + total(negative.bucketCounts) !== count) return PROBLEM.exponentialCount;
  const value: ExponentialHistogram = { count, scale, zeroCount, positive, negative };
  if (p.sum !== undefined) value.sum = p.sum;
  if (p.min !== undefined) value.min = p.min;
  if (p.max !== undefined) value.max = p.max;
  return point(p, value);
}
