import type { Histogram } from '@opentelemetry/sdk-metrics';
import type { ResourceEntry } from './resource_entry.js';
import type { Series } from './series.js';

/**
 * One stream's cumulative state and how a data point updates it, by temporality: a cumulative point
 * replaces the state (an older one is ignored), a delta point is added to it; for a delta histogram
 * whose bucket layout changed the series starts over from that point.
 */

/** A bucket layout: the input bounds and the `le` text they render as (after any scaling). */
export interface Layout {
  readonly bounds: readonly number[];
  readonly le: readonly string[];
}

export interface HistogramState {
  readonly layout: Layout;
  /** Per-bucket counts, bounds.length + 1 of them (the last is the overflow bucket). */
  readonly counts: number[];
  sum: number;
  count: number;
}

export interface Stream {
  readonly series: Series;
  readonly resource: ResourceEntry;
  /** Where the store keeps it (its metric's streams, by this key), so it can be found to be retired. */
  readonly owner: MetricStreams;
  readonly attributesKey: string;
  /** Factor from the input unit to the output unit (1000 for Kong's millisecond histograms). */
  readonly scale: number;
  /** Sum or gauge value. */
  value: number;
  histogram: HistogramState | undefined;
  /** End time (ms) of the newest point applied: orders cumulative points. */
  endMs: number;
  /** When the stream was last updated, by the exporter's clock: drives metric_expiration. */
  updatedAt: number;
  /** Neighbours in the store's least-recently-updated list (see recency.ts). */
  older: Stream | undefined;
  newer: Stream | undefined;
}

/** The streams of one metric (resource + scope + name + unit + type), by their point attributes' key. */
export interface MetricStreams {
  readonly key: string;
  readonly byAttributes: Map<string, Stream>;
}

/** ok; reset = a delta histogram changed layout and restarted; the others mean the point was not applied. */
export type ApplyResult = 'ok' | 'reset' | 'out_of_order' | 'invalid_point';

export function applyNumber(stream: Stream, value: number, delta: boolean, endMs: number): ApplyResult {
  if (typeof value !== 'number') return 'invalid_point';
  if (delta) {
    // A NaN or infinite delta would poison the running total forever.
    if (!Number.isFinite(value)) return 'invalid_point';
    stream.value += value;
    if (endMs > stream.endMs) stream.endMs = endMs;
    return 'ok';
  }
  if (endMs < stream.endMs) return 'out_of_order';
  stream.value = value;
  stream.endMs = endMs;
  return 'ok';
}

export function applyHistogram(stream: Stream, h: Histogram, delta: boolean, endMs: number): ApplyResult {
  const bounds = h.buckets?.boundaries;
  const counts = h.buckets?.counts;
  if (!Array.isArray(bounds) || !Array.isArray(counts) || counts.length !== bounds.length + 1) return 'invalid_point';
  if (!delta && endMs < stream.endMs) return 'out_of_order';
  const sum = typeof h.sum === 'number' ? h.sum : 0;
  // A non-finite delta would poison the running totals forever.
  if (delta && (!Number.isFinite(sum) || !Number.isFinite(h.count))) return 'invalid_point';
  const current = stream.histogram;
  const sameLayout = current !== undefined && sameBounds(current.layout.bounds, bounds);
  if (delta && sameLayout) {
    const acc = current.counts;
    for (let i = 0; i < acc.length; i++) acc[i] += counts[i];
    current.sum += sum;
    current.count += h.count;
  } else {
    const layout = sameLayout ? current.layout : newLayout(bounds, stream.scale);
    if (layout === undefined) return 'invalid_point';
    stream.histogram = { layout, counts: counts.slice(), sum, count: h.count };
  }
  if (!delta || endMs > stream.endMs) stream.endMs = endMs;
  return delta && current !== undefined && !sameLayout ? 'reset' : 'ok';
}

function sameBounds(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** undefined when the bounds are not finite and strictly increasing (Prometheus' `le` must be). */
function newLayout(bounds: readonly number[], scale: number): Layout | undefined {
  const le: string[] = new Array<string>(bounds.length);
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i];
    if (!Number.isFinite(b) || (i > 0 && b <= bounds[i - 1])) return undefined;
    le[i] = formatNumber(scaled(b, scale));
  }
  return { bounds: bounds.slice(), le };
}

/** `0.075 s × 1000` is 75.00000000000001 in floating point: round to 15 significant digits. */
export function scaled(v: number, scale: number): number {
  return scale === 1 ? v : Number((v * scale).toPrecision(15));
}

/** A sample value or `le` as the text format writes it. */
export function formatNumber(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
