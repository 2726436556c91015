/** The sum field of both histogram kinds, which may be missing or NaN. */

/**
 * The delta of a sum: missing stays missing and NaN stays NaN (the baseline then keeps the last good
 * sum, so the next delta spans both intervals).
 */
export function deltaSum(current: number | undefined, previous: number | undefined): number | undefined {
  if (current === undefined) return undefined;
  if (Number.isNaN(current)) return current;
  // No earlier sum to subtract (the source only now started sending one): leave it out rather than guess.
  if (previous === undefined) return undefined;
  return current - previous;
}

/** The sum a point leaves in the baseline: NaN never replaces a good sum. */
export function baselineSum(current: number | undefined, previous: number | undefined): number | undefined {
  if (current === undefined) return undefined;
  return Number.isNaN(current) ? previous : current;
}
