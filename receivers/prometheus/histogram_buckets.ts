import type { Histogram } from '@opentelemetry/sdk-metrics';

/**
 * Cumulative `le` buckets → OTel's per-bucket counts. The `+Inf` bucket is the total; without one,
 * `_count` is (the page is then malformed, but the numbers are still clear). Returns why not, if not.
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
    if (!(c >= previous)) return `bucket le="${b}" counts less than the bucket before it (bucket counts are cumulative)`;
    boundaries[i] = b;
    counts[i] = c - previous;
    previous = c;
  }
  const total = hasInf ? cum(n - 1) : (h.count ?? previous);
  if (!(total >= previous)) return 'the +Inf bucket (or _count) is less than a bucket below it';
  counts[finite] = total - previous;
  const out: Histogram = { buckets: { boundaries, counts }, count: total };
  if (h.sum !== undefined) out.sum = h.sum;
  return out;
}
