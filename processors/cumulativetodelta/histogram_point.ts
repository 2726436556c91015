import type { Histogram } from '@opentelemetry/sdk-metrics';
import type { Baseline } from './stream_table.js';
import { flagsOf, type PointKind } from './point_kind.js';
import { baselineSum, deltaSum } from './histogram_sum.js';

export interface HistogramBaseline extends Baseline {
  readonly count: number;
  /** undefined when the source sends no sum (or has only ever sent NaN). */
  readonly sum: number | undefined;
  readonly boundaries: readonly number[];
  readonly counts: readonly number[];
}

function sameLayout(previous: HistogramBaseline, value: Histogram): boolean {
  const b = value.buckets.boundaries;
  if (value.buckets.counts.length !== previous.counts.length) return false;
  if (b === previous.boundaries) return true;
  if (b.length !== previous.boundaries.length) return false;
  for (let i = 0; i < b.length; i++) if (b[i] !== previous.boundaries[i]) return false;
  return true;
}

/**
 * Explicit-bucket histograms: count, sum and every bucket are subtracted. min and max describe the whole
 * cumulative interval and cannot be derived for a delta, so they are dropped from every converted point.
 */
export const histogramKind: PointKind<Histogram, HistogramBaseline> = {
  passThrough: () => false,

  baseline: (point, previous, timeMs) => {
    const v = point.value;
    const keepBounds = previous !== undefined && sameLayout(previous, v);
    return {
      startTime: point.startTime,
      endTime: point.endTime,
      timeMs,
      count: v.count,
      sum: baselineSum(v.sum, previous?.sum),
      boundaries: keepBounds ? previous.boundaries : v.buckets.boundaries.slice(),
      counts: v.buckets.counts.slice(),
    };
  },

  whole: (point, startTime) => {
    const v = point.value;
    const value: Histogram = { buckets: v.buckets, count: v.count };
    if (v.sum !== undefined) value.sum = v.sum;
    return { startTime, endTime: point.endTime, attributes: point.attributes, value };
  },

  subtract: (previous, point) => {
    const v = point.value;
    if (!sameLayout(previous, v)) return 'bucket_layout';
    if (v.count < previous.count) return 'decrease';
    const current = v.buckets.counts;
    const counts = new Array<number>(current.length);
    for (let i = 0; i < current.length; i++) {
      const d = current[i] - previous.counts[i];
      if (d < 0) return 'decrease';
      counts[i] = d;
    }
    const value: Histogram = { buckets: { boundaries: v.buckets.boundaries, counts }, count: v.count - previous.count };
    const sum = deltaSum(v.sum, previous.sum);
    if (sum !== undefined) value.sum = sum;
    return { startTime: previous.endTime, endTime: point.endTime, attributes: point.attributes, value };
  },

  empty: (point, startTime) => ({
    startTime,
    endTime: point.endTime,
    attributes: point.attributes,
    value: {
      buckets: { boundaries: point.value.buckets.boundaries, counts: point.value.buckets.counts.map(() => 0) },
      count: 0,
    },
    flags: flagsOf(point),
  }),
};
