/**
 * Bucket arithmetic for exponential histograms. Bucket `i` at scale `s` holds values in
 * (base^i, base^(i+1)] with base = 2^(2^-s); positive and negative ranges mirror each other.
 */

/** The SDK's bucket shape; treated as immutable once built. */
export interface Buckets {
  offset: number;
  bucketCounts: number[];
}

export function noBuckets(): Buckets {
  return { offset: 0, bucketCounts: [] };
}

function upperBound(index: number, scale: number): number {
  return Math.pow(2, (index + 1) * Math.pow(2, -scale));
}

/**
 * Moves the buckets that lie wholly inside a (grown) zero threshold into the zero count, so an older point
 * can be compared with a newer one whose zero bucket is wider.
 */
export function foldIntoZero(b: Buckets, scale: number, threshold: number): { buckets: Buckets; folded: number } {
  if (threshold <= 0) return { buckets: b, folded: 0 };
  let folded = 0;
  let i = 0;
  while (i < b.bucketCounts.length && upperBound(b.offset + i, scale) <= threshold) folded += b.bucketCounts[i++];
  if (i === 0) return { buckets: b, folded: 0 };
  return { buckets: { offset: b.offset + i, bucketCounts: b.bucketCounts.slice(i) }, folded };
}

/** Re-expresses buckets at a coarser scale: 2^by neighbouring buckets merge into one. */
export function coarsen(b: Buckets, by: number): Buckets {
  if (by <= 0 || b.bucketCounts.length === 0) return b;
  const factor = Math.pow(2, by);
  const offset = Math.floor(b.offset / factor);
  const last = Math.floor((b.offset + b.bucketCounts.length - 1) / factor);
  const counts = new Array<number>(last - offset + 1).fill(0);
  for (let j = 0; j < b.bucketCounts.length; j++) counts[Math.floor((b.offset + j) / factor) - offset] += b.bucketCounts[j];
  return { offset, bucketCounts: counts };
}

/**
 * current − previous at the same scale, trimmed of leading and trailing empty buckets; `undefined` when
 * any bucket went down (a reset).
 */
export function subtractBuckets(current: Buckets, previous: Buckets): Buckets | undefined {
  const cur = current.bucketCounts;
  const prev = previous.bucketCounts;
  const curEnd = current.offset + cur.length;
  // A previous bucket outside the current range holding anything means that count disappeared.
  for (let j = 0; j < prev.length; j++) {
    const idx = previous.offset + j;
    if ((idx < current.offset || idx >= curEnd) && prev[j] > 0) return undefined;
  }
  const out = new Array<number>(cur.length);
  let first = -1;
  let last = -1;
  for (let j = 0; j < cur.length; j++) {
    const pj = current.offset + j - previous.offset;
    const d = cur[j] - (pj >= 0 && pj < prev.length ? prev[pj] : 0);
    if (d < 0) return undefined;
    out[j] = d;
    if (d > 0) {
      if (first < 0) first = j;
      last = j;
    }
  }
  if (first < 0) return noBuckets();
  return { offset: current.offset + first, bucketCounts: out.slice(first, last + 1) };
}
