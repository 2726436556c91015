import type { ErrorList, MetricFamily, Sample } from './exposition.js';
import { sameSeries, seriesKey } from './labels.js';
import { parseSampleValue } from './numbers.js';

/**
 * The samples of a histogram or summary family grouped into series (one OTel point each), keyed by their
 * labels without `le` / `quantile`. Samples that cannot belong anywhere are reported and left out; the
 * conversion then checks each histogram series as a whole (histogram_buckets.ts).
 */

export interface HistogramSeries {
  readonly labels: readonly string[];
  readonly line: number;
  readonly bounds: number[];
  readonly cumulative: number[];
  sum: number | undefined;
  count: number | undefined;
  /** The `_count` line's, as the Collector takes it (the one line a histogram must have); else the first line's. */
  timestampMs: number | undefined;
  /** Why the whole series is refused (a bucket without a usable `le`). */
  problem: string | undefined;
}

export interface SummarySeries {
  readonly labels: readonly string[];
  readonly quantiles: Sample[];
  sum: Sample | undefined;
  count: Sample | undefined;
}

const TAG_HISTOGRAM = '\u0002h';
const TAG_SUMMARY = '\u0002s';

function labelValue(labels: readonly string[], name: string): string | undefined {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return labels[k + 1];
  return undefined;
}

export function groupHistogram(f: MetricFamily, errors: ErrorList): Map<string, HistogramSeries> {
  const series = new Map<string, HistogramSeries>();
  const prefix = f.name + TAG_HISTOGRAM;
  let h: HistogramSeries | undefined;
  for (const s of f.samples) {
    // A series' buckets, _sum and _count come one after the other: key only when the labels change.
    if (h === undefined || !sameSeries(h.labels, s.labels, 'le')) {
      const key = seriesKey(prefix, s.labels, 'le');
      h = series.get(key);
      if (h === undefined) {
        h = { labels: s.labels, line: s.line, bounds: [], cumulative: [], sum: undefined, count: undefined, timestampMs: s.timestampMs, problem: undefined };
        series.set(key, h);
      }
    }
    if (s.suffix === '_sum' || s.suffix === '_count') {
      if ((s.suffix === '_sum' ? h.sum : h.count) !== undefined) {
        errors.add(s.line, `${f.name}: a second ${f.name}${s.suffix} for one series: ignored`);
      } else if (s.suffix === '_sum') {
        h.sum = s.value;
      } else {
        h.count = s.value;
        h.timestampMs = s.timestampMs;
      }
      continue;
    }
    const le = labelValue(s.labels, 'le');
    const bound = le === undefined ? undefined : parseSampleValue(le);
    if (bound === undefined || Number.isNaN(bound)) {
      h.problem ??= `line ${s.line}: a bucket needs an le label holding a number or +Inf`;
    } else {
      h.bounds.push(bound);
      h.cumulative.push(s.value);
    }
  }
  return series;
}

export function groupSummary(f: MetricFamily, errors: ErrorList): Map<string, SummarySeries> {
  const series = new Map<string, SummarySeries>();
  const prefix = f.name + TAG_SUMMARY;
  for (const s of f.samples) {
    const key = seriesKey(prefix, s.labels, 'quantile');
    let q = series.get(key);
    if (q === undefined) {
      q = { labels: s.labels, quantiles: [], sum: undefined, count: undefined };
      series.set(key, q);
    }
    if (s.suffix === '_sum' || s.suffix === '_count') {
      if ((s.suffix === '_sum' ? q.sum : q.count) !== undefined) errors.add(s.line, `${f.name}: a second ${f.name}${s.suffix} for one series: ignored`);
      else if (s.suffix === '_sum') q.sum = s;
      else q.count = s;
      continue;
    }
    // Prometheus stores any quantile text; the Collector refuses one that is not a number. A quantile is
    // a fraction (OpenMetrics: 0 to 1), so anything else cannot be a point of this summary.
    const quantile = labelValue(s.labels, 'quantile');
    const at = quantile === undefined ? undefined : parseSampleValue(quantile);
    if (at === undefined || !(at >= 0 && at <= 1)) {
      errors.add(s.line, `${f.name}: a summary sample needs a quantile label holding a number from 0 to 1: ignored`);
    } else {
      q.quantiles.push(s);
    }
  }
  return series;
}
