/**
 * What an OTLP stand-in received, decoded independently of kongtel's encoder (protobufjs against the
 * proto file, or the OTLP/JSON rules), flattened so a test can ask "what did the backend get".
 */

export type AttrValue = string | number | boolean | null | Uint8Array | AttrValue[] | { [key: string]: AttrValue };
export type Attributes = Record<string, AttrValue>;

export type MetricType = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';
export type Temporality = 'unspecified' | 'delta' | 'cumulative';

export interface ReceivedPoint {
  readonly attributes: Attributes;
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  /** Gauges and sums. */
  readonly value?: number;
  readonly valueType?: 'int' | 'double';
  /** Histograms (and count/sum of exponential histograms and summaries). */
  readonly count?: number;
  readonly sum?: number;
  readonly min?: number;
  readonly max?: number;
  readonly bucketCounts?: readonly number[];
  readonly explicitBounds?: readonly number[];
  readonly flags: number;
}

export interface ReceivedMetric {
  readonly resource: Attributes;
  readonly scope: { readonly name: string; readonly version: string };
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly type: MetricType;
  readonly temporality: Temporality;
  readonly monotonic: boolean;
  readonly points: readonly ReceivedPoint[];
}

export function temporalityOf(n: number): Temporality {
  return n === 1 ? 'delta' : n === 2 ? 'cumulative' : 'unspecified';
}

/** Cumulative monotonic sums and cumulative histograms: what a delta-only backend (Dynatrace) refuses. */
export function isCumulativeRefusedByDeltaBackends(m: ReceivedMetric): boolean {
  if (m.temporality !== 'cumulative') return false;
  return (m.type === 'sum' && m.monotonic) || m.type === 'histogram' || m.type === 'exponential_histogram';
}

function matches(attrs: Attributes, want: Attributes | undefined): boolean {
  if (!want) return true;
  return Object.entries(want).every(([k, v]) => JSON.stringify(attrs[k]) === JSON.stringify(v));
}

export interface HistogramTotal {
  count: number;
  sum: number;
  bucketCounts: number[];
  explicitBounds: readonly number[];
}

/** Every metric a backend accepted, with totals over requests (what a delta backend would chart). */
export class ReceivedMetrics {
  readonly metrics: ReceivedMetric[] = [];

  add(metrics: readonly ReceivedMetric[]): void {
    this.metrics.push(...metrics);
  }

  named(name: string): ReceivedMetric[] {
    return this.metrics.filter((m) => m.name === name);
  }

  points(name: string, attrs?: Attributes): ReceivedPoint[] {
    return this.named(name).flatMap((m) => m.points.filter((p) => matches(p.attributes, attrs)));
  }

  pointCount(): number {
    let n = 0;
    for (const m of this.metrics) n += m.points.length;
    return n;
  }

  /** Sum of the values of a gauge or sum metric's points whose attributes include `attrs`. */
  total(name: string, attrs?: Attributes): number {
    let t = 0;
    for (const p of this.points(name, attrs)) t += p.value ?? 0;
    return t;
  }

  /** Counts, sums and bucket counts added over every matching histogram point. */
  histogramTotal(name: string, attrs?: Attributes): HistogramTotal {
    const out: HistogramTotal = { count: 0, sum: 0, bucketCounts: [], explicitBounds: [] };
    for (const p of this.points(name, attrs)) {
      out.count += p.count ?? 0;
      out.sum += p.sum ?? 0;
      out.explicitBounds = p.explicitBounds ?? out.explicitBounds;
      (p.bucketCounts ?? []).forEach((c, i) => (out.bucketCounts[i] = (out.bucketCounts[i] ?? 0) + c));
    }
    return out;
  }
}
