import type { Attributes, HrTime } from '@opentelemetry/api';
import { msToHrTime } from '../../core/index.js';

/**
 * One series (stream): an attribute set of one metric and its running values, kept as plain numbers so
 * the hot path only adds. `start` is when the series was created (cumulative) or last emitted (delta).
 */
export class SumSeries {
  value = 0;
  startHr: HrTime;

  constructor(
    readonly attributes: Attributes,
    public start: number,
    /** The series that takes attribute sets past `max_series_per_metric`. */
    readonly overflow: boolean,
  ) {
    this.startHr = msToHrTime(start);
  }

  /** Whether anything was added since the last reset (sums only ever grow by positive amounts). */
  get isEmpty(): boolean {
    return this.value === 0;
  }
}

export class HistogramSeries {
  /** One count per bucket: bounds.length + 1 entries, the last one for values above every bound. */
  readonly counts: number[];
  sum = 0;
  count = 0;
  min = Infinity;
  max = -Infinity;
  startHr: HrTime;

  constructor(
    readonly attributes: Attributes,
    public start: number,
    readonly overflow: boolean,
    bucketCount: number,
  ) {
    this.counts = new Array<number>(bucketCount).fill(0);
    this.startHr = msToHrTime(start);
  }

  record(v: number, bounds: readonly number[]): void {
    this.counts[bucketIndex(v, bounds)]++;
    this.sum += v;
    this.count++;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  get isEmpty(): boolean {
    return this.count === 0;
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }
}

/** Index of the first bucket whose upper bound is ≥ v (upper-inclusive, as the OTel SDK does). */
export function bucketIndex(v: number, bounds: readonly number[]): number {
  const n = bounds.length;
  if (n <= 16) {
    let i = 0;
    while (i < n && v > bounds[i]) i++;
    return i;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v > bounds[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
