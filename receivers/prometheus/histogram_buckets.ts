import type { Histogram } from '@opentelemetry/sdk-metrics';

/** Observation counts: OTel's are whole numbers (uint64 in OTLP), so 2.5 or -1 observations cannot be sent. */
function isCount(v: number): boolean {
  return Number.isInteger(v) && v >= 0;
}

/**
 * Cumulative `le` buckets → OTel's per-bucket counts, or why the series cannot be one histogram point.
 * Prometheus stores each line as its own series and checks none of this; one OTel point must hold
 * together, so, as the Collector's receiver does, counts must not go down with `le`, and `_count` (when
 * printed) must agree with the `+Inf` bucket, both being the number of observations. Without a `+Inf`
 * bucket `_count` is the total (the page is then malformed, but the numbers are still clear).
 */
export function toHistogram(h: {
  readonly bounds: readonly number[];
  readonly cumulative: readonly number[];
  readonly sum: number | undefined;
  readonly count: number | undefined;
}): Histogram | string {
  const n = h.bounds.length;
  let order: number[] | undefined;
  for (let i = 1; i < n; i++) {
    if (h.bounds[i] <= h.bounds[i - 1]) {
      order = [...h.bounds.keys()].sort((a, b) => h.bounds[a] - h.bounds[b]);
      break;
    }
  }
  const bound = (i: number): number => h.bounds[order === undefined ? i : order[i]];
  const cum = (i: number): number => h.cumulative[order === undefined ? i : order[i]];
  const hasInf = n > 0 && bound(n - 1) === Infinity;
  const finite = hasInf ? n - 1 : n;
  if (!hasInf && h.count === undefined && finite === 0) return 'no buckets and no _count';
  const boundaries: number[] = new Array<number>(finite);
  const counts: number[] = new Array<number>(finite + 1);
  let previous = 0;
  for (let i = 0; i < finite; i++) {
    const b = bound(i);
    const c = cum(i);
    if (i > 0 && b === boundaries[i - 1]) return `two buckets with le="${b}"`;
    if (!isCount(c)) return `bucket le="${b}" is not a whole number of observations, 0 or more`;
    if (c < previous) return `bucket le="${b}" counts less than the bucket before it (bucket counts are cumulative)`;
    boundaries[i] = b;
    counts[i] = c - previous;
    previous = c;
  }
  const inf = hasInf ? cum(n - 1) : undefined;
  if (inf !== undefined && !isCount(inf)) return 'the +Inf bucket is not a whole number of observations, 0 or more';
  if (h.count !== undefined && !isCount(h.count)) return '_count is not a whole number of observations, 0 or more';
  if (inf !== undefined && h.count !== undefined && inf !== h.count) return '_count differs from the +Inf bucket (both are the number of observations)';
  const total = inf ?? h.count ?? previous;
  if (total < previous) return 'the +Inf bucket (or _count) is less than a bucket below it';
  counts[finite] = total - previous;
  const out: Histogram = { buckets: { boundaries, counts }, count: total };
  if (h.sum !== undefined) out.sum = h.sum;
  return out;
}
