import { ValueType } from '@opentelemetry/api';

/** Explicit bucket bounds of metric-mapping.md "Buckets" (upper-inclusive, like the OTel SDK). */
export const Bounds = {
  /** HTTP and Kong-side latencies, seconds. */
  latency: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60],
  /** GenAI durations, seconds (GenAI semantic conventions). */
  genAiDuration: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  /** Time per output token, seconds (GenAI semantic conventions). */
  timePerToken: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
  /** Sizes, bytes. */
  size: [100, 1000, 10000, 100000, 1000000, 10000000, 100000000],
  /** Token counts when `token_usage_as: histogram` (GenAI semantic conventions). */
  tokens: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
} as const satisfies Record<string, readonly number[]>;

export interface SumInstrument {
  readonly kind: 'sum';
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly valueType: ValueType;
}

export interface HistogramInstrument {
  readonly kind: 'histogram';
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly bounds: readonly number[];
}

export type Instrument = SumInstrument | HistogramInstrument;

export const sum = (name: string, unit: string, description: string, valueType = ValueType.INT): SumInstrument => ({
  kind: 'sum',
  name,
  unit,
  description,
  valueType,
});

export const histogram = (name: string, unit: string, description: string, bounds: readonly number[]): HistogramInstrument => ({
  kind: 'histogram',
  name,
  unit,
  description,
  bounds,
});

/** Names a `buckets` override may use: every histogram among `instruments`. */
export function histogramNames(instruments: readonly Instrument[]): string[] {
  return [...new Set(instruments.filter((i): i is HistogramInstrument => i.kind === 'histogram').map((i) => i.name))];
}
