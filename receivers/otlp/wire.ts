/**
 * An ExportMetricsServiceRequest as decoded from the wire, before it becomes the SDK's `ResourceMetrics`.
 * Both decoders produce this one shape — protobuf through protobufjs' `toObject` (`keepCase`, `longs:
 * String`, no defaults), JSON through its own mapper — so the conversion is written once. Absent fields
 * mean the proto3 default. Fields the receiver never reads (exemplars, metadata, dropped counts) are left out.
 */

/**
 * A 64-bit integer (fixed64, sfixed64, int64, uint64) as decimal text: nanosecond timestamps pass 2^53, so
 * they must not go through a JS number before they are split into seconds and nanoseconds.
 */
export type Int64Text = string;

export interface WireAnyValue {
  string_value?: string;
  bool_value?: boolean;
  int_value?: Int64Text;
  double_value?: number;
  array_value?: { values?: WireAnyValue[] };
  kvlist_value?: { values?: WireKeyValue[] };
  bytes_value?: Uint8Array;
}

export interface WireKeyValue {
  key?: string;
  value?: WireAnyValue;
}

export interface WirePointBase {
  attributes?: WireKeyValue[];
  start_time_unix_nano?: Int64Text;
  time_unix_nano?: Int64Text;
  flags?: number;
}

export interface WireNumberPoint extends WirePointBase {
  as_double?: number;
  as_int?: Int64Text;
}

export interface WireHistogramPoint extends WirePointBase {
  count?: Int64Text;
  sum?: number;
  bucket_counts?: Int64Text[];
  explicit_bounds?: number[];
  min?: number;
  max?: number;
}

export interface WireBuckets {
  offset?: number;
  bucket_counts?: Int64Text[];
}

export interface WireExponentialHistogramPoint extends WirePointBase {
  count?: Int64Text;
  sum?: number;
  scale?: number;
  zero_count?: Int64Text;
  positive?: WireBuckets;
  negative?: WireBuckets;
  min?: number;
  max?: number;
  zero_threshold?: number;
}

/** OTLP's AggregationTemporality: 0 unspecified, 1 delta, 2 cumulative. */
export type WireTemporality = number;

export interface WireMetric {
  name?: string;
  description?: string;
  unit?: string;
  gauge?: { data_points?: WireNumberPoint[] };
  sum?: { data_points?: WireNumberPoint[]; aggregation_temporality?: WireTemporality; is_monotonic?: boolean };
  histogram?: { data_points?: WireHistogramPoint[]; aggregation_temporality?: WireTemporality };
  exponential_histogram?: { data_points?: WireExponentialHistogramPoint[]; aggregation_temporality?: WireTemporality };
  /** Only counted: the SDK has no summary type. */
  summary?: { data_points?: readonly unknown[] };
}

export interface WireScopeMetrics {
  scope?: { name?: string; version?: string; attributes?: WireKeyValue[] };
  metrics?: WireMetric[];
  schema_url?: string;
}

export interface WireResourceMetrics {
  resource?: { attributes?: WireKeyValue[] };
  scope_metrics?: WireScopeMetrics[];
  schema_url?: string;
}

export interface WireRequest {
  resource_metrics?: WireResourceMetrics[];
}
