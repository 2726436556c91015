import { unitWords } from './units.js';

/**
 * The OTel → Prometheus name rules (specification/compatibility/prometheus_and_openmetrics.md):
 * invalid characters become `_`, runs of `_` collapse, a leading digit gets a `_` in front; the unit word
 * goes before the type suffix and is not added when the name already contains it as a whole word
 * (the spec's "unless the metric name already contains the unit", read token-wise as the Collector and
 * Prometheus' OTLP translator do, so names match theirs); monotonic sums end in `_total`; gauges with
 * unit `1` end in `_ratio`.
 */

/** What decides the suffixes: only monotonic sums get `_total`, only gauges get `_ratio`. */
export type OtelMetricKind = 'gauge' | 'sum' | 'monotonic_sum' | 'histogram';

export interface NamingOptions {
  /** Prefix joined with `_` ('' = none). */
  readonly namespace: string;
  /** false = no unit, `_total` or `_ratio` suffix. */
  readonly addSuffixes: boolean;
}

export function sanitizeMetricName(name: string): string {
  return finish(name.replace(/[^a-zA-Z0-9_:]/g, '_'));
}

/** Label names may not hold `:`; a leading `__` is reserved by Prometheus and collapses to `_`. */
export function sanitizeLabelName(name: string): string {
  if (name === '') return '_';
  return finish(name.replace(/[^a-zA-Z0-9_]/g, '_'));
}

function finish(s: string): string {
  const collapsed = s.replace(/_{2,}/g, '_');
  return collapsed.charCodeAt(0) >= 48 && collapsed.charCodeAt(0) <= 57 ? `_${collapsed}` : collapsed;
}

/** The Prometheus family name of an OTel metric (histograms: the base of `_bucket`/`_sum`/`_count`). */
export function prometheusMetricName(name: string, unit: string, kind: OtelMetricKind, opts: NamingOptions): string {
  let base = sanitizeMetricName(name);
  if (opts.addSuffixes) {
    const monotonic = kind === 'monotonic_sum';
    // `_total` is re-added last, so `requests_total` in seconds becomes `requests_seconds_total`.
    if (monotonic && base.length > 6 && base.endsWith('_total')) base = base.slice(0, -6);
    const tokens = base.split('_');
    const words = unitWords(unit);
    if (words.main !== '' && !containsRun(tokens, words.main)) base += `_${words.main}`;
    if (words.per !== '' && !containsRun(tokens, words.per)) base += `_${words.per}`;
    if (monotonic) base += '_total';
    else if (kind === 'gauge' && unit.trim() === '1' && !tokens.includes('ratio')) base += '_ratio';
  }
  if (opts.namespace !== '') base = `${opts.namespace}_${base}`;
  return finish(base);
}

/** Whether `word` (itself `_`-separated, e.g. `per_second`) appears as whole tokens in `tokens`. */
function containsRun(tokens: readonly string[], word: string): boolean {
  const parts = word.split('_');
  outer: for (let i = 0; i + parts.length <= tokens.length; i++) {
    for (let j = 0; j < parts.length; j++) if (tokens[i + j] !== parts[j]) continue outer;
    return true;
  }
  return false;
}
