import type { ExponentialHistogram } from '@opentelemetry/sdk-metrics';
import type { Baseline } from './stream_table.js';
import { flagsOf, type PointKind } from './point_kind.js';
import { coarsen, foldIntoZero, noBuckets, subtractBuckets, type Buckets } from './exponential_buckets.js';
import { baselineSum, deltaSum } from './histogram_sum.js';

/** OTLP carries a zero threshold; the SDK's type has no field for it, so decoders may add one. */
type ExpValue = ExponentialHistogram & { zeroThreshold?: number };

export interface ExponentialHistogramBaseline extends Baseline {
  readonly count: number;
  readonly sum: number | undefined;
  readonly scale: number;
  readonly zeroCount: number;
  readonly zeroThreshold: number;
  readonly positive: Buckets;
  readonly negative: Buckets;
}

function copyBuckets(b: Buckets): Buckets {
  return { offset: b.offset, bucketCounts: b.bucketCounts.slice() };
}

/**
 * Exponential histograms, as the Collector converts them since contrib PR #44106: the older point is
 * brought to the newer point's zero threshold and scale, then count, sum, zero count and buckets are
 * subtracted. A finer scale or a narrower zero threshold cannot be compared with the older point and is
 * a layout change; any count that went down is a reset.
 */
export const exponentialHistogramKind: PointKind<ExponentialHistogram, ExponentialHistogramBaseline> = {
  passThrough: () => false,

  baseline: (point, previous, timeMs) => {
    const v: ExpValue = point.value;
    return {
      startTime: point.startTime,
      endTime: point.endTime,
      timeMs,
      count: v.count,
      sum: baselineSum(v.sum, previous?.sum),
      scale: v.scale,
      zeroCount: v.zeroCount,
      zeroThreshold: v.zeroThreshold ?? 0,
      positive: copyBuckets(v.positive),
      negative: copyBuckets(v.negative),
    };
  },

  whole: (point, startTime) => {
    const v: ExpValue = point.value;
    const value: ExpValue = {
      count: v.count,
      scale: v.scale,
      zeroCount: v.zeroCount,
      positive: v.positive,
      negative: v.negative,
    };
    if (v.sum !== undefined) value.sum = v.sum;
    if (v.zeroThreshold !== undefined) value.zeroThreshold = v.zeroThreshold;
    return { startTime, endTime: point.endTime, attributes: point.attributes, value };
  },

  subtract: (previous, point) => {
    const v: ExpValue = point.value;
    const threshold = v.zeroThreshold ?? 0;
    if (v.scale > previous.scale || threshold < previous.zeroThreshold) return 'bucket_layout';
    if (v.count < previous.count) return 'decrease';
    let zeroCount = previous.zeroCount;
    let positive = previous.positive;
    let negative = previous.negative;
    if (threshold > previous.zeroThreshold) {
      const p = foldIntoZero(positive, previous.scale, threshold);
      const n = foldIntoZero(negative, previous.scale, threshold);
      zeroCount += p.folded + n.folded;
      positive = p.buckets;
      negative = n.buckets;
    }
    const by = previous.scale - v.scale;
    const pos = subtractBuckets(v.positive, coarsen(positive, by));
    const neg = subtractBuckets(v.negative, coarsen(negative, by));
    if (pos === undefined || neg === undefined || v.zeroCount < zeroCount) return 'decrease';
    const value: ExpValue = {
      count: v.count - previous.count,
      scale: v.scale,
      zeroCount: v.zeroCount - zeroCount,
      positive: pos,
      negative: neg,
    };
    const sum = deltaSum(v.sum, previous.sum);
    if (sum !== undefined) value.sum = sum;
    if (v.zeroThreshold !== undefined) value.zeroThreshold = v.zeroThreshold;
    return { startTime: previous.endTime, endTime: point.endTime, attributes: point.attributes, value };
  },

  empty: (point, startTime) => ({
    startTime,
    endTime: point.endTime,
    attributes: point.attributes,
    value: { count: 0, scale: point.value.scale, zeroCount: 0, positive: noBuckets(), negative: noBuckets() },
    flags: flagsOf(point),
  }),
};
