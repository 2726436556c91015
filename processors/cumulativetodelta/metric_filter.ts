import type { FilterMetricType, MetricFilterConfig } from './config.js';

/** Decides, once per metric, whether the processor converts it (the Collector's include/exclude rules). */
export type MetricFilter = (name: string, type: FilterMetricType) => boolean;

interface CompiledFilter {
  /** undefined: the filter names no metrics, so names do not decide. */
  readonly name: ((name: string) => boolean) | undefined;
  /** undefined: the filter names no types, so types do not decide. */
  readonly types: ReadonlySet<FilterMetricType> | undefined;
}

function compile(config: MetricFilterConfig): CompiledFilter | undefined {
  const hasNames = config.metrics.length > 0;
  const hasTypes = config.metric_types.length > 0;
  if (!hasNames && !hasTypes) return undefined;
  let name: CompiledFilter['name'];
  if (hasNames) {
    if (config.match_type === 'regexp') {
      // Unanchored, as in the Collector: `_1` matches `metric_1`.
      const patterns = config.metrics.map((p) => new RegExp(p));
      name = (n) => patterns.some((re) => re.test(n));
    } else {
      const names = new Set(config.metrics);
      name = (n) => names.has(n);
    }
  }
  return { name, types: hasTypes ? new Set(config.metric_types) : undefined };
}

/**
 * Include needs every criterion it states to match (name AND type); exclude removes a metric when any
 * criterion it states matches; exclude wins over include.
 */
export function metricFilter(include: MetricFilterConfig, exclude: MetricFilterConfig): MetricFilter {
  const inc = compile(include);
  const exc = compile(exclude);
  return (name, type) => {
    if (inc) {
      if (inc.name && !inc.name(name)) return false;
      if (inc.types && !inc.types.has(type)) return false;
    }
    if (exc) {
      if (exc.name && exc.name(name)) return false;
      if (exc.types && exc.types.has(type)) return false;
    }
    return true;
  };
}
