import { KongEntryAggregator } from '../../../processors/kong_metrics/aggregator.js';
import { DEFAULT_HTTP_METHODS } from '../../../processors/kong_metrics/sections/http.js';
import { PriceTable } from '../../../processors/kong_metrics/pricing.js';

export interface AggregatorOptions {
  readonly maxSeriesPerMetric: number;
  readonly maxSeries: number;
  readonly tokenUsageAs?: 'sum' | 'histogram';
  /** Model prices, as `processors.kong_metrics.prices` takes them. */
  readonly prices?: ConstructorParameters<typeof PriceTable>[0];
  readonly naming?: 'otel' | 'kong';
}

/**
 * The aggregator kong_metrics builds with its defaults (no extra attributes, Kong's HTTP methods, no
 * custom buckets, token usage as sums), with the series limits the fuzz run wants; overflows ignored.
 */
export function defaultAggregator(o: AggregatorOptions): KongEntryAggregator {
  return new KongEntryAggregator({
    excluded: [],
    knownMethods: new Set(DEFAULT_HTTP_METHODS),
    prices: new PriceTable(o.prices ?? {}),
    tokenUsageAs: o.tokenUsageAs ?? 'sum',
    buckets: {},
    maxSeriesPerMetric: o.maxSeriesPerMetric,
    maxSeries: o.maxSeries,
    onOverflow: () => undefined,
    naming: o.naming ?? 'otel',
  });
}
