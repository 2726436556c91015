import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { LogPosition } from './durable/positions.js';
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
  /** Belongs to durable mode (core/durable): how far write-ahead logs are reflected; absent otherwise. */
  readonly covers?: readonly LogPosition[];
}

export type Batch = LogBatch | MetricBatch;

export function logBatch(entries: readonly KongLogEntry[]): LogBatch {
  return { signal: 'logs', entries };
}

export function metricBatch(resourceMetrics: readonly ResourceMetrics[]): MetricBatch {
  return { signal: 'metrics', resourceMetrics };
}

/**
 * A copy of its own for a consumer that declares `mutatesData` (the fan-out makes it, as the Collector's
 * fan-out uses pdata's CopyTo). The resource is shared: the SDK's `Resource` is immutable (`merge`
 * returns a new one), so a consumer that changes resource attributes sets a new resource. The batch's
 * other fields are kept as they are.
 */
export function cloneBatch(batch: Batch): Batch {
  if (batch.signal === 'logs') return { ...batch, entries: structuredClone(batch.entries) };
  return {
    ...batch,
    resourceMetrics: batch.resourceMetrics.map((rm) => ({
      ...rm,
      scopeMetrics: rm.scopeMetrics.map((sm) => ({ ...sm, scope: { ...sm.scope }, metrics: sm.metrics.map((m) => structuredClone(m)) })),
    })),
  };
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
