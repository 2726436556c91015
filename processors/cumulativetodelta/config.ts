import { z } from 'zod';
import { duration } from '../../core/index.js';

/** Metric types the filters can name; gauges and non-monotonic sums are never converted, so they are not filterable. */
export const METRIC_TYPES = ['sum', 'histogram', 'exponential_histogram'] as const;
export type FilterMetricType = (typeof METRIC_TYPES)[number];

export type MatchType = 'strict' | 'regexp';
export type InitialValue = 'auto' | 'keep' | 'drop';

export interface MetricFilterConfig {
  metrics: string[];
  /** Unset unless `metrics` is given (the Collector requires the two together). */
  match_type?: MatchType;
  metric_types: FilterMetricType[];
}

export interface CumulativeToDeltaConfig {
  include: MetricFilterConfig;
  exclude: MetricFilterConfig;
  /** Milliseconds a stream's state lives after its last point; 0 keeps it forever. */
  max_staleness: number;
  initial_value: InitialValue;
  max_streams: number;
}

const metricType = z.string().transform((v, ctx) => {
  const lower = v.toLowerCase();
  const found = METRIC_TYPES.find((t) => t === lower);
  if (found === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid metric type ${JSON.stringify(v)}; valid values are ${METRIC_TYPES.join(', ')} (gauges and non-monotonic sums are never converted)`,
    });
    return z.NEVER;
  }
  return found;
});

const metricFilter = z
  .strictObject({
    metrics: z.array(z.string(), { error: 'must be a list of metric names or patterns' }).default([]),
    match_type: z.enum(['strict', 'regexp'], { error: 'must be "strict" or "regexp"' }).optional(),
    metric_types: z.array(metricType, { error: `must be a list of metric types (${METRIC_TYPES.join(', ')})` }).default([]),
  })
  .superRefine((f, ctx) => {
    if (f.metrics.length > 0 && f.match_type === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['match_type'],
        message: 'must be set when metrics are listed: add match_type: strict (exact names) or match_type: regexp',
      });
    }
    if (f.match_type !== undefined && f.metrics.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['metrics'],
        message: 'must list at least one metric name or pattern when match_type is set (or remove match_type)',
      });
    }
    if (f.match_type === 'regexp') {
      f.metrics.forEach((pattern, i) => {
        try {
          new RegExp(pattern);
        } catch (err) {
          ctx.addIssue({
            code: 'custom',
            path: ['metrics', i],
            message: `invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`,
          });
        }
      });
    }
  });

const emptyFilter = (): MetricFilterConfig => ({ metrics: [], metric_types: [] });

export const configSchema: z.ZodType<CumulativeToDeltaConfig> = z.strictObject({
  include: metricFilter.default(emptyFilter),
  exclude: metricFilter.default(emptyFilter),
  max_staleness: duration().default(3_600_000),
  initial_value: z.enum(['auto', 'keep', 'drop'], { error: 'must be "auto", "keep" or "drop"' }).default('auto'),
  max_streams: z
    .number({ error: 'must be a whole number of streams, e.g. 100000' })
    // refine rather than .int(): zod reports .int() as a type error, which reads as "required".
    .refine(Number.isInteger, { error: 'must be a whole number of streams, e.g. 100000' })
    .refine((n) => n >= 1, { error: 'must be at least 1; it caps the memory the processor holds' })
    .default(100_000),
});
