import { type AttrValue, type Attributes, type MetricType, type ReceivedMetric, type ReceivedPoint, temporalityOf } from './received.js';

/**
 * OTLP/JSON decoding by the spec's rules: lowerCamelCase keys (original snake_case accepted too), 64-bit
 * integers as decimal strings (numbers accepted), enums as integers, `bytesValue` as base64, trace and span
 * ids as hex (exemplars are not decoded). Written separately from the SDK's JSON serializer on purpose.
 */

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function snake(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function get(o: JsonObject | undefined, key: string): Json | undefined {
  if (!o) return undefined;
  return o[key] ?? o[snake(key)];
}

function obj(v: Json | undefined): JsonObject | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

function arr(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

function str(v: Json | undefined): string {
  return typeof v === 'string' ? v : '';
}

/** int64/uint64/fixed64: a decimal string per OTLP/JSON, or a plain number. */
function int64(v: Json | undefined): bigint {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (v === undefined) return 0n;
  throw new Error(`not a 64-bit integer: ${JSON.stringify(v)}`);
}

/** double: a number, or the strings "NaN", "Infinity", "-Infinity". */
function double(v: Json | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

function anyValue(v: JsonObject | undefined): AttrValue {
  if (!v) return null;
  if (get(v, 'stringValue') !== undefined) return str(get(v, 'stringValue'));
  if (get(v, 'boolValue') !== undefined) return get(v, 'boolValue') === true;
  if (get(v, 'intValue') !== undefined) return Number(int64(get(v, 'intValue')));
  if (get(v, 'doubleValue') !== undefined) return double(get(v, 'doubleValue')) ?? 0;
  if (get(v, 'arrayValue') !== undefined) return arr(get(obj(get(v, 'arrayValue')), 'values')).map((x) => anyValue(obj(x)));
  if (get(v, 'kvlistValue') !== undefined) return attributes(get(obj(get(v, 'kvlistValue')), 'values'));
  if (get(v, 'bytesValue') !== undefined) return new Uint8Array(Buffer.from(str(get(v, 'bytesValue')), 'base64'));
  return null;
}

function attributes(kvs: Json | undefined): Attributes {
  const out: Attributes = {};
  for (const kv of arr(kvs)) {
    const o = obj(kv);
    out[str(get(o, 'key'))] = anyValue(obj(get(o, 'value')));
  }
  return out;
}

const KINDS: readonly [string, MetricType][] = [
  ['gauge', 'gauge'],
  ['sum', 'sum'],
  ['histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary'],
];

function point(p: JsonObject | undefined, type: MetricType): ReceivedPoint {
  const base = {
    attributes: attributes(get(p, 'attributes')),
    startTimeUnixNano: int64(get(p, 'startTimeUnixNano')),
    timeUnixNano: int64(get(p, 'timeUnixNano')),
    flags: Number(get(p, 'flags') ?? 0),
  };
  if (type === 'gauge' || type === 'sum') {
    const asInt = get(p, 'asInt');
    if (asInt !== undefined) return { ...base, value: Number(int64(asInt)), valueType: 'int' };
    return { ...base, value: double(get(p, 'asDouble')) ?? 0, valueType: 'double' };
  }
  return {
    ...base,
    count: Number(int64(get(p, 'count'))),
    sum: double(get(p, 'sum')),
    min: double(get(p, 'min')),
    max: double(get(p, 'max')),
    bucketCounts: arr(get(p, 'bucketCounts')).map((c) => Number(int64(c))),
    explicitBounds: arr(get(p, 'explicitBounds')).map((b) => double(b) ?? 0),
  };
}

export function decodeJsonRequest(body: Uint8Array): ReceivedMetric[] {
  const root = obj(JSON.parse(Buffer.from(body).toString('utf8')) as Json);
  if (!root) throw new Error('request body is not a JSON object');
  const out: ReceivedMetric[] = [];
  for (const rmJson of arr(get(root, 'resourceMetrics'))) {
    const rm = obj(rmJson);
    const resource = attributes(get(obj(get(rm, 'resource')), 'attributes'));
    for (const smJson of arr(get(rm, 'scopeMetrics'))) {
      const sm = obj(smJson);
      const scopeObj = obj(get(sm, 'scope'));
      const scope = { name: str(get(scopeObj, 'name')), version: str(get(scopeObj, 'version')) };
      for (const mJson of arr(get(sm, 'metrics'))) {
        const m = obj(mJson);
        const kind = KINDS.find(([k]) => get(m, k) !== undefined);
        if (!kind) throw new Error(`metric ${str(get(m, 'name'))} has no data`);
        const data = obj(get(m, kind[0]));
        out.push({
          resource,
          scope,
          name: str(get(m, 'name')),
          description: str(get(m, 'description')),
          unit: str(get(m, 'unit')),
          type: kind[1],
          temporality: temporalityOf(Number(get(data, 'aggregationTemporality') ?? 0)),
          monotonic: get(data, 'isMonotonic') === true,
          points: arr(get(data, 'dataPoints')).map((p) => point(obj(p), kind[1])),
        });
      }
    }
  }
  return out;
}
