import { z } from 'zod';
import { duration } from '../../core/index.js';

/**
 * The OTel Collector's memory_limiter keys (processor/memorylimiterprocessor), so a Collector config
 * fragment moves over unchanged: a hard limit in MiB or as a percentage of the memory available to the
 * process, and a spike allowance below it that sets the soft limit.
 */
export interface MemoryLimiterConfig {
  /** Milliseconds between two measurements of the process's memory. */
  check_interval: number;
  /** Hard limit in MiB. Exactly one of limit_mib / limit_percentage is set. */
  limit_mib?: number;
  /** Hard limit as a percentage of the memory available (cgroup limit, else the machine's). */
  limit_percentage?: number;
  /** Soft limit = limit_mib − spike_limit_mib. Unset or 0: 20 % of the hard limit (the Collector's default). */
  spike_limit_mib?: number;
  /** Soft limit = limit_percentage − spike_limit_percentage (of the same memory). Unset or 0: 20 % of the hard limit. */
  spike_limit_percentage?: number;
  /** Least milliseconds between forced collections while above the soft limit only. */
  min_gc_interval_when_soft_limited: number;
  /** Least milliseconds between forced collections while above the hard limit (0: at every check). */
  min_gc_interval_when_hard_limited: number;
}

const wholeNumber = (what: string, min: number, max = Number.POSITIVE_INFINITY) =>
  z
    .number({ error: `must be a whole number of ${what}` })
    // refine rather than .int(): zod reports .int() as a type error, which reads as "required".
    .refine(Number.isInteger, { error: `must be a whole number of ${what}` })
    .refine((n) => n >= min && n <= max, {
      error: Number.isFinite(max) ? `must be between ${min} and ${max}` : min === 0 ? 'must not be negative' : `must be at least ${min}`,
    });

export const configSchema: z.ZodType<MemoryLimiterConfig> = z
  .strictObject({
    check_interval: duration().default(1000),
    limit_mib: wholeNumber('MiB, e.g. 400', 1).optional(),
    limit_percentage: wholeNumber('percent, e.g. 80', 1, 100).optional(),
    spike_limit_mib: wholeNumber('MiB, e.g. 80 (0 = 20 % of limit_mib)', 0).optional(),
    spike_limit_percentage: wholeNumber('percent, e.g. 20 (0 = 20 % of limit_percentage)', 0, 100).optional(),
    min_gc_interval_when_soft_limited: duration().default(10_000),
    min_gc_interval_when_hard_limited: duration().default(0),
  })
  .superRefine((c, ctx) => {
    const issue = (key: keyof MemoryLimiterConfig, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
    if (c.check_interval <= 0) issue('check_interval', 'must be greater than 0, e.g. "1s"');
    if (c.limit_mib === undefined && c.limit_percentage === undefined) {
      issue('limit_mib', 'required: set limit_mib (the hard limit in MiB, e.g. 400) or limit_percentage (of the memory available to kongtel, e.g. 80)');
      return;
    }
    if (c.limit_mib !== undefined && c.limit_percentage !== undefined) {
      issue('limit_percentage', 'conflicts with limit_mib: set only one of limit_mib and limit_percentage');
      return;
    }
    if (c.spike_limit_mib !== undefined && c.spike_limit_percentage !== undefined) {
      issue('spike_limit_percentage', 'conflicts with spike_limit_mib: set only one of spike_limit_mib and spike_limit_percentage');
      return;
    }
    if (c.limit_mib !== undefined) {
      if (c.spike_limit_percentage !== undefined) {
        issue('spike_limit_percentage', 'goes with limit_percentage; with limit_mib, write the spike allowance as spike_limit_mib');
      } else if (c.spike_limit_mib !== undefined && c.spike_limit_mib >= c.limit_mib) {
        issue('spike_limit_mib', `must be less than limit_mib (${c.limit_mib}): the soft limit is limit_mib − spike_limit_mib`);
      }
    } else if (c.limit_percentage !== undefined) {
      if (c.spike_limit_mib !== undefined) {
        issue('spike_limit_mib', 'goes with limit_mib; with limit_percentage, write the spike allowance as spike_limit_percentage');
      } else if (c.spike_limit_percentage !== undefined && c.spike_limit_percentage >= c.limit_percentage) {
        issue(
          'spike_limit_percentage',
          `must be less than limit_percentage (${c.limit_percentage}): the soft limit is limit_percentage − spike_limit_percentage`,
        );
      }
    }
  });
