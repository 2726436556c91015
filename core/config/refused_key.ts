import { z } from 'zod';

/**
 * A Collector key kongtel has no use for, refused with what kongtel does instead — so a pasted Collector
 * config fails with an explanation rather than "unknown key". `allowed` are values that ask for nothing
 * kongtel lacks (e.g. `send_timestamps: false`, the Collector's default), accepted and ignored.
 */
export function refusedKey(message: string, allowed: readonly unknown[] = []) {
  return z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (v !== undefined && !allowed.some((a) => isDeepStrictEqual(a, v))) ctx.addIssue({ code: 'custom', message });
    });
}

function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
