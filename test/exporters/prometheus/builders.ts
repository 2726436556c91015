import type { Attributes } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { FLAG_NO_RECORDED_VALUE, ManualClock, metricBatch, msToHrTime, SelfTelemetry, type Logger, type MetricBatch } from '../../../core/index.js';
import { prometheusConfigSchema, prometheusExporterFactory, PrometheusExporter } from '../../../exporters/prometheus/index.js';
import { testContext } from '../../helpers/context.js';

/** Small builders for hand-made ResourceMetrics: one call per metric, points as [attributes, value]. */

export const T0 = 1_700_000_000_000;
export const KONGTEL_RESOURCE = { 'service.name': 'kongtel', 'service.instance.id': 'pod-1' };

export type Temporality = 'delta' | 'cumulative';

export interface PointSpec<T> {
  attrs?: Attributes;
  value: T;
  /** End time in ms (default T0); start = end − 10 s. */
  at?: number;
  noRecordedValue?: boolean;
}

function point<T>(p: PointSpec<T>): DataPoint<T> {
  const end = p.at ?? T0;
  const dp: DataPoint<T> & { flags?: number } = {
    startTime: msToHrTime(end - 10_000),
    endTime: msToHrTime(end),
    attributes: p.attrs ?? {},
    value: p.value,
  };
  if (p.noRecordedValue) dp.flags = FLAG_NO_RECORDED_VALUE;
  return dp;
}

function descriptor(name: string, unit: string, description = '') {
  return { name, unit, description, valueType: ValueType.DOUBLE };
}

export function sum(
  name: string,
  unit: string,
  points: PointSpec<number>[],
  opts: { temporality?: Temporality; monotonic?: boolean; description?: string } = {},
): MetricData {
  return {
    descriptor: descriptor(name, unit, opts.description),
    aggregationTemporality: opts.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: opts.monotonic ?? true,
    dataPoints: points.map(point),
  };
}

export function gauge(name: string, unit: string, points: PointSpec<number>[], description = ''): MetricData {
  return {
    descriptor: descriptor(name, unit, description),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: points.map(point),
  };
}

/** `counts` per bucket (bounds.length + 1 of them); count = their total. */
export function hv(bounds: number[], counts: number[], total: number): Histogram {
  return { buckets: { boundaries: bounds, counts }, sum: total, count: counts.reduce((a, b) => a + b, 0) };
}

export function histogram(
  name: string,
  unit: string,
  points: PointSpec<Histogram>[],
  opts: { temporality?: Temporality; description?: string } = {},
): MetricData {
  return {
    descriptor: descriptor(name, unit, opts.description),
    aggregationTemporality: opts.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: points.map(point),
  };
}

export function exponentialHistogram(name: string, unit: string): MetricData {
  return {
    descriptor: descriptor(name, unit),
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
    dataPoints: [
      point({
        value: { count: 2, sum: 3, scale: 0, zeroCount: 0, positive: { offset: 0, bucketCounts: [1, 1] }, negative: { offset: 0, bucketCounts: [] } },
      }),
    ],
  };
}

export function resourceMetrics(
  metrics: MetricData[],
  opts: { resource?: Attributes; scope?: { name: string; version?: string } } = {},
): ResourceMetrics {
  return {
    resource: resourceFromAttributes(opts.resource ?? KONGTEL_RESOURCE),
    scopeMetrics: [{ scope: opts.scope ?? { name: 'kongtel', version: '0.1.0' }, metrics }],
  };
}

export function batchOf(...metrics: MetricData[]): MetricBatch {
  return metricBatch([resourceMetrics(metrics)]);
}

export interface Harness {
  exporter: PrometheusExporter;
  clock: ManualClock;
  telemetry: SelfTelemetry;
}

/** An exporter with a ManualClock, not listening (call `start` for HTTP tests). */
export function harness(config: Record<string, unknown> = {}, id = 'prometheus', opts: { logger?: Logger } = {}): Harness {
  const clock = new ManualClock(T0);
  const telemetry = new SelfTelemetry();
  const parsed = prometheusConfigSchema.parse({ endpoint: '127.0.0.1:0', ...config });
  const ctx = testContext(id, 'exporter', { clock, telemetry });
  const exporter = prometheusExporterFactory.create(parsed, opts.logger ? { ...ctx, logger: opts.logger } : ctx);
  if (!(exporter instanceof PrometheusExporter)) throw new Error('factory did not build a PrometheusExporter');
  return { exporter, clock, telemetry };
}

/** Sample lines of a scrape (no comments), for exact comparisons. */
export function samples(text: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

/** The value of the one sample whose line starts with `prefix` (name plus `{labels}`). */
export function sampleValue(text: string, prefix: string): number | undefined {
  const hits = samples(text).filter((l) => l.slice(0, l.lastIndexOf(' ')) === prefix);
  if (hits.length > 1) throw new Error(`${hits.length} samples named ${prefix}`);
  return hits.length === 0 ? undefined : Number(hits[0].slice(hits[0].lastIndexOf(' ') + 1));
}
