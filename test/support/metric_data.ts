import { ValueType } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';

/** SDK metric data built by hand, as a processor or exporter receives it from the pipeline. */

export interface MetricOpts {
  unit?: string;
  temporality?: AggregationTemporality;
  valueType?: ValueType;
  /** '' unless said. */
  description?: string;
}

/** A sum (cumulative, monotonic, doubles, unit '1' unless said). */
export function sumMetric(name: string, points: DataPoint<number>[], opts: MetricOpts & { monotonic?: boolean } = {}): MetricData {
  return {
    descriptor: { name, description: opts.description ?? '', unit: opts.unit ?? '1', valueType: opts.valueType ?? ValueType.DOUBLE },
    aggregationTemporality: opts.temporality ?? AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: opts.monotonic ?? true,
    dataPoints: points,
  };
}

export function gaugeMetric(name: string, points: DataPoint<number>[]): MetricData {
  return {
    descriptor: { name, description: '', unit: '1', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: points,
  };
}
