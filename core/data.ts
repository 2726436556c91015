import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { KongLogEntry } from './kong/entry.js';

/** The two kinds of data that travel through a pipeline. */
export type Signal = 'logs' | 'metrics';

/** Parsed Kong log entries, as the Kong logging plugins send them (one object per proxied request). */
export interface LogBatch {
  readonly signal: 'logs';
  readonly entries: readonly KongLogEntry[];
}

/**
 * Metrics in the OpenTelemetry SDK's own shape: the very type `OTLPMetricExporter.export()` takes and
 * `PrometheusSerializer` renders, so no component converts between models.
 */
export interface MetricBatch {
  readonly signal: 'metrics';
  readonly resourceMetrics: readonly ResourceMetrics[];
  /**
   * Durable mode (docs/durability.md): this batch, together with everything emitted before it, holds every
   * entry of each source's write-ahead log up to `position`. Processors carry it onto what they emit; an
   * exporter that records log positions stores it with the data, atomically.
   */
  readonly covers?: readonly LogPosition[];
}

/** How far a write-ahead log (a `source`) is reflected in emitted data: its entries up to `position`. */
export interface LogPosition {
  readonly source: string;
  /** Monotonic within a source; safe up to 2^53. */
  readonly position: number;
}

export type Batch = LogBatch | MetricBatch;

export function logBatch(entries: readonly KongLogEntry[]): LogBatch {
  return { signal: 'logs', entries };
}

export function metricBatch(resourceMetrics: readonly ResourceMetrics[], covers?: readonly LogPosition[]): MetricBatch {
  return covers === undefined || covers.length === 0 ? { signal: 'metrics', resourceMetrics } : { signal: 'metrics', resourceMetrics, covers };
}

/**
 * The source name of a durable processor instance: processors are per pipeline, so the pair is unique.
 * Ids never hold whitespace, so the name splits back unambiguously.
 */
export function logPositionSource(processorId: string, pipelineId: string | undefined): string {
  return `${processorId} in ${pipelineId ?? '-'}`;
}

/** Merges covers, keeping the highest position per source (positions only grow). */
export function mergeCovers(into: Map<string, number>, covers: readonly LogPosition[] | undefined): void {
  if (covers === undefined) return;
  for (const c of covers) {
    const held = into.get(c.source);
    if (held === undefined || c.position > held) into.set(c.source, c.position);
  }
}

export function coversOf(positions: ReadonlyMap<string, number>): LogPosition[] {
  return [...positions].map(([source, position]) => ({ source, position }));
}

/** Number of data points in a metric batch (what self-telemetry counts for metrics). */
export function countDataPoints(batch: MetricBatch): number {
  let n = 0;
  for (const rm of batch.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) n += m.dataPoints.length;
    }
  }
  return n;
}

/**
 * OTLP's `DataPointFlags.FLAG_NO_RECORDED_VALUE`: the point marks a stream as stale rather than carrying a
 * value. The SDK's `DataPoint` has no flags field, so points that carry flags (decoded from OTLP, or
 * produced by a processor) add an optional `flags` member; everything else treats its absence as 0.
 */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface DataPointFlags {
  readonly flags?: number;
}

export function hasNoRecordedValue(point: object): boolean {
  const flags = (point as DataPointFlags).flags;
  return typeof flags === 'number' && (flags & FLAG_NO_RECORDED_VALUE) !== 0;
}
