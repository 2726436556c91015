import { ValueType, type Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { toAttributes } from './any_value.js';
import { exponentialHistogramPoint, histogramPoint, numberPoint, type PointOrProblem } from './data_points.js';
import { Rejections, SUMMARY_NOT_SUPPORTED } from './rejections.js';
import type { WireMetric, WireNumberPoint, WireRequest, WireScopeMetrics, WireTemporality } from './wire.js';

/**
 * A decoded ExportMetricsServiceRequest → the SDK's `ResourceMetrics`, the pipeline's data model. Points
 * that break OTLP's rules, and summaries (the SDK has no type for them), are dropped and recorded in
 * `rejections`; metrics, scopes and resources left without points are left out.
 */
export interface Converted {
  readonly resourceMetrics: ResourceMetrics[];
  /** Points kept. */
  readonly points: number;
  readonly rejections: Rejections;
}

const PROBLEM_TEMPORALITY = 'aggregation_temporality must be delta (1) or cumulative (2)';
const PROBLEM_NAME = 'metric name must not be empty';

/** The scope as the SDK holds it, plus OTLP scope attributes, which the SDK's serializers write back. */
type ScopeWithAttributes = InstrumentationScope & { attributes?: Attributes };

export function toResourceMetrics(request: WireRequest): Converted {
  const rejections = new Rejections();
  const resourceMetrics: ResourceMetrics[] = [];
  let points = 0;
  for (const rm of request.resource_metrics ?? []) {
    const scopeMetrics: ScopeMetrics[] = [];
    for (const sm of rm.scope_metrics ?? []) {
      const metrics: MetricData[] = [];
      for (const m of sm.metrics ?? []) {
        const data = toMetricData(m, rejections);
        if (data === undefined || data.dataPoints.length === 0) continue;
        metrics.push(data);
        points += data.dataPoints.length;
      }
      if (metrics.length > 0) scopeMetrics.push({ scope: toScope(sm), metrics });
    }
    if (scopeMetrics.length === 0) continue;
    const attributes = toAttributes(rm.resource?.attributes);
    const resource = rm.schema_url ? resourceFromAttributes(attributes, { schemaUrl: rm.schema_url }) : resourceFromAttributes(attributes);
    resourceMetrics.push({ resource, scopeMetrics });
  }
  return { resourceMetrics, points, rejections };
}

function toScope(sm: WireScopeMetrics): ScopeWithAttributes {
  const scope: { name: string; version?: string; schemaUrl?: string; attributes?: Attributes } = { name: sm.scope?.name ?? '' };
  if (sm.scope?.version) scope.version = sm.scope.version;
  if (sm.schema_url) scope.schemaUrl = sm.schema_url;
  if (sm.scope?.attributes !== undefined && sm.scope.attributes.length > 0) scope.attributes = toAttributes(sm.scope.attributes);
  return scope;
}

function toTemporality(t: WireTemporality | undefined): AggregationTemporality | undefined {
  if (t === 1) return AggregationTemporality.DELTA;
  if (t === 2) return AggregationTemporality.CUMULATIVE;
  return undefined;
}

/** Converts each point; problems go to `rejections`, good points to the result. */
function convertPoints<W, T>(
  list: readonly W[] | undefined,
  convert: (p: W) => PointOrProblem<T>,
  metric: string,
  rejections: Rejections,
): DataPoint<T>[] {
  const out: DataPoint<T>[] = [];
  if (list === undefined) return out;
  for (const p of list) {
    const converted = convert(p);
    if (typeof converted === 'string') rejections.add('invalid', converted, metric);
    else out.push(converted);
  }
  return out;
}

/** INT when every point that carries a value carries `as_int`, as the sender's instrument then was. */
function valueTypeOf(points: readonly WireNumberPoint[] | undefined): ValueType {
  let ints = 0;
  for (const p of points ?? []) {
    if (p.as_double !== undefined) return ValueType.DOUBLE;
    if (p.as_int !== undefined) ints++;
  }
  return ints > 0 ? ValueType.INT : ValueType.DOUBLE;
}

function pointCount(data: { data_points?: readonly unknown[] } | undefined): number {
  return data?.data_points?.length ?? 0;
}

function toMetricData(m: WireMetric, rejections: Rejections): MetricData | undefined {
  const name = m.name ?? '';
  const all = pointCount(m.gauge) + pointCount(m.sum) + pointCount(m.histogram) + pointCount(m.exponential_histogram);
  if (name === '') {
    rejections.add('invalid', PROBLEM_NAME, name, all);
    rejections.add('summary', SUMMARY_NOT_SUPPORTED, name, pointCount(m.summary));
    return undefined;
  }
  const described = (valueType: ValueType) => ({ name, description: m.description ?? '', unit: m.unit ?? '', valueType });

  if (m.gauge !== undefined) {
    return {
      descriptor: described(valueTypeOf(m.gauge.data_points)),
      // OTLP gauges carry no temporality; the SDK marks its own gauges cumulative.
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: convertPoints(m.gauge.data_points, numberPoint, name, rejections),
    };
  }
  if (m.sum !== undefined) {
    const temporality = toTemporality(m.sum.aggregation_temporality);
    if (temporality === undefined) {
      rejections.add('invalid', PROBLEM_TEMPORALITY, name, all);
      return undefined;
    }
    return {
      descriptor: described(valueTypeOf(m.sum.data_points)),
      aggregationTemporality: temporality,
      dataPointType: DataPointType.SUM,
      isMonotonic: m.sum.is_monotonic ?? false,
      dataPoints: convertPoints(m.sum.data_points, numberPoint, name, rejections),
    };
  }
  if (m.histogram !== undefined) {
    const temporality = toTemporality(m.histogram.aggregation_temporality);
    if (temporality === undefined) {
      rejections.add('invalid', PROBLEM_TEMPORALITY, name, all);
      return undefined;
    }
    return {
      descriptor: described(ValueType.DOUBLE),
      aggregationTemporality: temporality,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: convertPoints(m.histogram.data_points, histogramPoint, name, rejections),
    };
  }
  if (m.exponential_histogram !== undefined) {
    const temporality = toTemporality(m.exponential_histogram.aggregation_temporality);
    if (temporality === undefined) {
      rejections.add('invalid', PROBLEM_TEMPORALITY, name, all);
      return undefined;
    }
    return {
      descriptor: described(ValueType.DOUBLE),
      aggregationTemporality: temporality,
      dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
      dataPoints: convertPoints(m.exponential_histogram.data_points, exponentialHistogramPoint, name, rejections),
    };
  }
  rejections.add('summary', SUMMARY_NOT_SUPPORTED, name, pointCount(m.summary));
  return undefined;
}
