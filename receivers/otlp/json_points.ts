import { readAttributes } from './json_attributes.js';
import type { JsonFields, JsonObject } from './json_fields.js';
import type {
  WireBuckets,
  WireExponentialHistogramPoint,
  WireHistogramPoint,
  WireNumberPoint,
  WirePointBase,
  WireTemporality,
} from './wire.js';

/** OTLP/JSON data points → the wire shape. Exemplars (whose ids are hex) are not read at all. */

const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

export function readPoints<P>(f: JsonFields, data: JsonObject, read: (f: JsonFields, p: JsonObject) => P): P[] | undefined {
  return f.list(data, 'dataPoints', 'data_points', (p) => read(f, p));
}

/** An enum as its integer or its name. */
export function readTemporality(f: JsonFields, o: JsonObject): WireTemporality | undefined {
  const v = f.field(o, 'aggregationTemporality', 'aggregation_temporality');
  if (v === undefined) return undefined;
  if (typeof v === 'string' && v in TEMPORALITY_NAMES) return TEMPORALITY_NAMES[v];
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  return f.fail('aggregationTemporality', 'must be 1 (delta) or 2 (cumulative)');
}

function pointBase(f: JsonFields, o: JsonObject): WirePointBase {
  return {
    attributes: readAttributes(f, o),
    start_time_unix_nano: f.int64(o, 'startTimeUnixNano', 'start_time_unix_nano', true),
    time_unix_nano: f.int64(o, 'timeUnixNano', 'time_unix_nano', true),
    flags: f.uint32(o, 'flags', 'flags'),
  };
}

export function numberPoint(f: JsonFields, o: JsonObject): WireNumberPoint {
  const p: WireNumberPoint = pointBase(f, o);
  const asInt = f.int64(o, 'asInt', 'as_int', false);
  if (asInt !== undefined) p.as_int = asInt;
  else p.as_double = f.double(o, 'asDouble', 'as_double');
  return p;
}

export function histogramPoint(f: JsonFields, o: JsonObject): WireHistogramPoint {
  const p: WireHistogramPoint = pointBase(f, o);
  p.count = f.int64(o, 'count', 'count', true);
  p.sum = f.double(o, 'sum', 'sum');
  p.bucket_counts = f.int64List(o, 'bucketCounts', 'bucket_counts');
  p.explicit_bounds = f.list(o, 'explicitBounds', 'explicit_bounds', undefined, (v) => f.doubleValue(v));
  p.min = f.double(o, 'min', 'min');
  p.max = f.double(o, 'max', 'max');
  return p;
}

export function exponentialPoint(f: JsonFields, o: JsonObject): WireExponentialHistogramPoint {
  const p: WireExponentialHistogramPoint = pointBase(f, o);
  p.count = f.int64(o, 'count', 'count', true);
  p.sum = f.double(o, 'sum', 'sum');
  p.scale = f.int32(o, 'scale', 'scale');
  p.zero_count = f.int64(o, 'zeroCount', 'zero_count', true);
  p.positive = buckets(f, o, 'positive');
  p.negative = buckets(f, o, 'negative');
  p.min = f.double(o, 'min', 'min');
  p.max = f.double(o, 'max', 'max');
  p.zero_threshold = f.double(o, 'zeroThreshold', 'zero_threshold');
  return p;
}

function buckets(f: JsonFields, o: JsonObject, key: string): WireBuckets | undefined {
  const b = f.object(o, key, key);
  if (b === undefined) return undefined;
  return f.within(key, () => ({
    offset: f.int32(b, 'offset', 'offset'),
    bucket_counts: f.int64List(b, 'bucketCounts', 'bucket_counts'),
  }));
}
