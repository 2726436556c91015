import protobuf from 'protobufjs';
import { METRICS_PROTO, STATUS_PROTO } from '../../../receivers/otlp/metrics_proto.js';
import { type AttrValue, type Attributes, type MetricType, type ReceivedMetric, type ReceivedPoint, temporalityOf } from './received.js';

/**
 * OTLP protobuf for tests, as any OTLP client or backend would speak it: protobufjs over the one OTLP
 * schema kongtel has (receivers/otlp/metrics_proto.ts), parsed here on its own (camelCase field names),
 * so it shares nothing with the SDK serializer kongtel's exporter encodes with, nor with the receiver's
 * decoder beyond the field numbers.
 */

const root = new protobuf.Root();
protobuf.parse(METRICS_PROTO, root);
protobuf.parse(STATUS_PROTO, root);
export const RequestType = root.lookupType('otlp.ExportMetricsServiceRequest');
export const ResponseType = root.lookupType('otlp.ExportMetricsServiceResponse');
/** google.rpc.Status, as OTLP servers answer errors. */
export const StatusType = root.lookupType('google.rpc.Status');

/** Encodes a request written in protobufjs' object form (camelCase field names, 64-bit integers as strings). */
export function encodeRequest(request: Record<string, unknown>): Buffer {
  return Buffer.from(RequestType.encode(RequestType.fromObject(request)).finish());
}

export interface PartialSuccessAnswer {
  readonly rejectedDataPoints: number;
  readonly errorMessage: string;
}

/** The `partial_success` of a protobuf ExportMetricsServiceResponse (zeros when absent). */
export function decodeProtobufResponse(body: Buffer): PartialSuccessAnswer {
  const o = ResponseType.toObject(ResponseType.decode(body), { longs: Number, defaults: true }) as {
    partialSuccess?: { rejectedDataPoints: number; errorMessage: string };
  };
  return { rejectedDataPoints: o.partialSuccess?.rejectedDataPoints ?? 0, errorMessage: o.partialSuccess?.errorMessage ?? '' };
}

export function decodeProtobufStatus(body: Buffer): { code: number; message: string } {
  return StatusType.toObject(StatusType.decode(body), { defaults: true }) as { code: number; message: string };
}

const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, bytes: Buffer, defaults: false, oneofs: true, arrays: true };

interface PbAnyValue {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: PbAnyValue[] };
  kvlistValue?: { values?: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key: string;
  value?: PbAnyValue;
}
interface PbPoint {
  attributes?: PbKeyValue[];
  startTimeUnixNano?: string;
  timeUnixNano?: string;
  value?: 'asDouble' | 'asInt';
  asDouble?: number;
  asInt?: string;
  count?: string;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
  flags?: number;
}
interface PbData {
  dataPoints?: PbPoint[];
  aggregationTemporality?: number;
  isMonotonic?: boolean;
}
interface PbMetric {
  name?: string;
  description?: string;
  unit?: string;
  data?: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
  gauge?: PbData;
  sum?: PbData;
  histogram?: PbData;
  exponentialHistogram?: PbData;
  summary?: PbData;
}
interface PbRequest {
  resourceMetrics?: {
    resource?: { attributes?: PbKeyValue[] };
    scopeMetrics?: { scope?: { name?: string; version?: string }; metrics?: PbMetric[] }[];
  }[];
}

function anyValue(v: PbAnyValue | undefined): AttrValue {
  if (!v) return null;
  switch (v.value) {
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return v.boolValue ?? false;
    case 'intValue':
      return Number(v.intValue ?? 0);
    case 'doubleValue':
      return v.doubleValue ?? 0;
    case 'arrayValue':
      return (v.arrayValue?.values ?? []).map(anyValue);
    case 'kvlistValue':
      return attributes(v.kvlistValue?.values);
    case 'bytesValue':
      return new Uint8Array(v.bytesValue ?? []);
    default:
      return null;
  }
}

function attributes(kvs: PbKeyValue[] | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

const TYPE_NAMES: Record<NonNullable<PbMetric['data']>, MetricType> = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponentialHistogram: 'exponential_histogram',
  summary: 'summary',
};

function point(p: PbPoint, type: MetricType): ReceivedPoint {
  const base = {
    attributes: attributes(p.attributes),
    startTimeUnixNano: BigInt(p.startTimeUnixNano ?? '0'),
    timeUnixNano: BigInt(p.timeUnixNano ?? '0'),
    flags: p.flags ?? 0,
  };
  if (type === 'gauge' || type === 'sum') {
    const isInt = p.value === 'asInt';
    return { ...base, value: isInt ? Number(p.asInt ?? '0') : (p.asDouble ?? 0), valueType: isInt ? 'int' : 'double' };
  }
  return {
    ...base,
    count: Number(p.count ?? '0'),
    sum: p.sum,
    min: p.min,
    max: p.max,
    bucketCounts: (p.bucketCounts ?? []).map(Number),
    explicitBounds: p.explicitBounds ?? [],
  };
}

export function decodeProtoRequest(body: Uint8Array): ReceivedMetric[] {
  const req = RequestType.toObject(RequestType.decode(body), TO_OBJECT) as PbRequest;
  const out: ReceivedMetric[] = [];
  for (const rm of req.resourceMetrics ?? []) {
    const resource = attributes(rm.resource?.attributes);
    for (const sm of rm.scopeMetrics ?? []) {
      const scope = { name: sm.scope?.name ?? '', version: sm.scope?.version ?? '' };
      for (const m of sm.metrics ?? []) {
        if (!m.data) throw new Error(`metric ${m.name ?? '?'} has no data`);
        const type = TYPE_NAMES[m.data];
        const data = m[m.data] ?? {};
        out.push({
          resource,
          scope,
          name: m.name ?? '',
          description: m.description ?? '',
          unit: m.unit ?? '',
          type,
          temporality: temporalityOf(data.aggregationTemporality ?? 0),
          monotonic: data.isMonotonic ?? false,
          points: (data.dataPoints ?? []).map((p) => point(p, type)),
        });
      }
    }
  }
  return out;
}

export function encodeProtoResponse(partial?: { rejectedDataPoints: number; errorMessage: string }): Uint8Array {
  const msg = partial ? { partialSuccess: { rejectedDataPoints: partial.rejectedDataPoints, errorMessage: partial.errorMessage } } : {};
  return ResponseType.encode(ResponseType.fromObject(msg)).finish();
}

export function encodeStatus(code: number, message: string): Uint8Array {
  return StatusType.encode(StatusType.fromObject({ code, message })).finish();
}
