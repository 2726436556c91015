import { type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  type DataPoint,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { type Batch, metricBatch, type MetricBatch } from '../../../core/index.js';
import { sumMetric } from '../../support/metric_data.js';

/** `n` points numbered from `from` (the value is the number, so order and completeness can be read back). */
export function numbered(n: number, from = 0): DataPoint<number>[] {
  return Array.from({ length: n }, (_, i) => ({
    startTime: [1_700_000_000, 0],
    endTime: [1_700_000_010, 0],
    attributes: { n: from + i },
    value: from + i,
  }));
}

/** A cumulative monotonic sum described as "<name> help". */
export function sum(name: string, points: DataPoint<number>[], opts: { unit?: string; monotonic?: boolean } = {}): MetricData {
  return sumMetric(name, points, { ...opts, description: `${name} help` });
}

export function rm(resource: Attributes, metrics: MetricData[], scope: { name?: string; version?: string } = {}): ResourceMetrics {
  return { resource: resourceFromAttributes(resource), scopeMetrics: [{ scope: { name: 'kong', ...scope }, metrics }] };
}

/** A batch of one metric `m` with `n` numbered points. */
export function points(n: number, from = 0): MetricBatch {
  return metricBatch([rm({ 'service.name': 'kong' }, [sum('m', numbered(n, from))])]);
}

export function pointCount(b: Batch): number {
  if (b.signal !== 'metrics') return 0;
  let n = 0;
  for (const r of b.resourceMetrics) for (const s of r.scopeMetrics) for (const m of s.metrics) n += m.dataPoints.length;
  return n;
}

/** Every point value of a batch, in order. */
export function values(b: Batch): number[] {
  if (b.signal !== 'metrics') return [];
  return b.resourceMetrics.flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics.flatMap((m) => (m.dataPoints as DataPoint<number>[]).map((p) => p.value))));
}

/** Lets queued promise callbacks and the processor's send loop run. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
