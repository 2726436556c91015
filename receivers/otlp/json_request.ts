import type {
  Int64Text,
  WireAnyValue,
  WireBuckets,
  WireExponentialHistogramPoint,
  WireHistogramPoint,
  WireKeyValue,
  WireMetric,
  WireNumberPoint,
  WirePointBase,
  WireRequest,
  WireResourceMetrics,
  WireScopeMetrics,
  WireTemporality,
} from './wire.js';

/**
 * OTLP/JSON → the wire shape protobuf decoding gives, by the OTLP/JSON rules: keys in lowerCamelCase
 * (the proto's snake_case names are accepted too, as protobuf's JSON parsers do), 64-bit integers as
 * decimal strings or numbers, enums as integers (or their names), `NaN`/`Infinity` as strings, `bytes` in
 * base64, `null` = absent, unknown keys ignored. Exemplars (whose ids are hex) are not read at all.
 * A value of the wrong type throws a `JsonShapeError` naming where it is, so the sender learns what to fix.
 */

export class JsonShapeError extends Error {
  override readonly name = 'JsonShapeError';
}

type JsonObject = { readonly [key: string]: unknown };

const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

const INTEGER_TEXT = /^-?\d+$/;
/** AnyValue nesting deeper than this is refused rather than walked, so a hostile body cannot exhaust the stack. */
const MAX_VALUE_DEPTH = 64;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes a parsed OTLP/JSON body; throws `JsonShapeError` when it is not an ExportMetricsServiceRequest. */
export function decodeJsonRequest(json: unknown): WireRequest {
  return new JsonWalker().request(json);
}

/** Walks the tree keeping the path it is at, so an error can say `resourceMetrics[0].scopeMetrics[2]…`. */
class JsonWalker {
  private readonly path: (string | number)[] = [];

  request(json: unknown): WireRequest {
    if (!isObject(json)) throw new JsonShapeError('the body must be a JSON object (an ExportMetricsServiceRequest)');
    return { resource_metrics: this.list(json, 'resourceMetrics', 'resource_metrics', (v) => this.resourceMetrics(v)) };
  }

  private resourceMetrics(o: JsonObject): WireResourceMetrics {
    const resource = this.object(o, 'resource', 'resource');
    return {
      resource: resource === undefined ? undefined : this.within('resource', () => ({ attributes: this.attributes(resource) })),
      scope_metrics: this.list(o, 'scopeMetrics', 'scope_metrics', (v) => this.scopeMetrics(v)),
      schema_url: this.string(o, 'schemaUrl', 'schema_url'),
    };
  }

  private scopeMetrics(o: JsonObject): WireScopeMetrics {
    const scope = this.object(o, 'scope', 'scope');
    return {
      scope:
        scope === undefined
          ? undefined
          : this.within('scope', () => ({
              name: this.string(scope, 'name', 'name'),
              version: this.string(scope, 'version', 'version'),
              attributes: this.attributes(scope),
            })),
      metrics: this.list(o, 'metrics', 'metrics', (v) => this.metric(v)),
      schema_url: this.string(o, 'schemaUrl', 'schema_url'),
    };
  }

  private metric(o: JsonObject): WireMetric {
    const out: WireMetric = {
      name: this.string(o, 'name', 'name'),
      description: this.string(o, 'description', 'description'),
      unit: this.string(o, 'unit', 'unit'),
    };
    const gauge = this.object(o, 'gauge', 'gauge');
    if (gauge !== undefined) {
      out.gauge = this.within('gauge', () => ({ data_points: this.points(gauge, (p) => this.numberPoint(p)) }));
      return out;
    }
    const sum = this.object(o, 'sum', 'sum');
    if (sum !== undefined) {
      out.sum = this.within('sum', () => ({
        data_points: this.points(sum, (p) => this.numberPoint(p)),
        aggregation_temporality: this.temporality(sum),
        is_monotonic: this.bool(sum, 'isMonotonic', 'is_monotonic'),
      }));
      return out;
    }
    const histogram = this.object(o, 'histogram', 'histogram');
    if (histogram !== undefined) {
      out.histogram = this.within('histogram', () => ({
        data_points: this.points(histogram, (p) => this.histogramPoint(p)),
        aggregation_temporality: this.temporality(histogram),
      }));
      return out;
    }
    const exponential = this.object(o, 'exponentialHistogram', 'exponential_histogram');
    if (exponential !== undefined) {
      out.exponential_histogram = this.within('exponentialHistogram', () => ({
        data_points: this.points(exponential, (p) => this.exponentialPoint(p)),
        aggregation_temporality: this.temporality(exponential),
      }));
      return out;
    }
    const summary = this.object(o, 'summary', 'summary');
    if (summary !== undefined) {
      // Summaries are refused point by point; only their number matters.
      out.summary = this.within('summary', () => ({ data_points: this.list(summary, 'dataPoints', 'data_points', (p) => p) }));
    }
    return out;
  }

  private points<P>(data: JsonObject, read: (p: JsonObject) => P): P[] | undefined {
    return this.list(data, 'dataPoints', 'data_points', read);
  }

  private pointBase(o: JsonObject): WirePointBase {
    return {
      attributes: this.attributes(o),
      start_time_unix_nano: this.int64(o, 'startTimeUnixNano', 'start_time_unix_nano', true),
      time_unix_nano: this.int64(o, 'timeUnixNano', 'time_unix_nano', true),
      flags: this.uint32(o, 'flags', 'flags'),
    };
  }

  private numberPoint(o: JsonObject): WireNumberPoint {
    const p: WireNumberPoint = this.pointBase(o);
    const asInt = this.int64(o, 'asInt', 'as_int', false);
    if (asInt !== undefined) p.as_int = asInt;
    else p.as_double = this.double(o, 'asDouble', 'as_double');
    return p;
  }

  private histogramPoint(o: JsonObject): WireHistogramPoint {
    const p: WireHistogramPoint = this.pointBase(o);
    p.count = this.int64(o, 'count', 'count', true);
    p.sum = this.double(o, 'sum', 'sum');
    p.bucket_counts = this.int64List(o, 'bucketCounts', 'bucket_counts');
    p.explicit_bounds = this.list(o, 'explicitBounds', 'explicit_bounds', undefined, (v) => this.doubleValue(v));
    p.min = this.double(o, 'min', 'min');
    p.max = this.double(o, 'max', 'max');
    return p;
  }

  private exponentialPoint(o: JsonObject): WireExponentialHistogramPoint {
    const p: WireExponentialHistogramPoint = this.pointBase(o);
    p.count = this.int64(o, 'count', 'count', true);
    p.sum = this.double(o, 'sum', 'sum');
    p.scale = this.int32(o, 'scale', 'scale');
    p.zero_count = this.int64(o, 'zeroCount', 'zero_count', true);
    p.positive = this.buckets(o, 'positive');
    p.negative = this.buckets(o, 'negative');
    p.min = this.double(o, 'min', 'min');
    p.max = this.double(o, 'max', 'max');
    p.zero_threshold = this.double(o, 'zeroThreshold', 'zero_threshold');
    return p;
  }

  private buckets(o: JsonObject, key: string): WireBuckets | undefined {
    const b = this.object(o, key, key);
    if (b === undefined) return undefined;
    return this.within(key, () => ({
      offset: this.int32(b, 'offset', 'offset'),
      bucket_counts: this.int64List(b, 'bucketCounts', 'bucket_counts'),
    }));
  }

  private temporality(o: JsonObject): WireTemporality | undefined {
    const v = this.field(o, 'aggregationTemporality', 'aggregation_temporality');
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v in TEMPORALITY_NAMES) return TEMPORALITY_NAMES[v];
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    return this.fail('aggregationTemporality', 'must be 1 (delta) or 2 (cumulative)');
  }

  private attributes(o: JsonObject): WireKeyValue[] | undefined {
    return this.list(o, 'attributes', 'attributes', (kv) => this.keyValue(kv, 0));
  }

  private keyValue(o: JsonObject, depth: number): WireKeyValue {
    const key = this.string(o, 'key', 'key');
    const value = this.object(o, 'value', 'value');
    if (value === undefined) return { key };
    this.path.push('value');
    const out = { key, value: this.anyValue(value, depth) };
    this.path.pop();
    return out;
  }

  private anyValue(o: JsonObject, depth: number): WireAnyValue {
    if (depth > MAX_VALUE_DEPTH) this.fail(undefined, `attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
    const s = this.string(o, 'stringValue', 'string_value');
    if (s !== undefined) return { string_value: s };
    const b = this.bool(o, 'boolValue', 'bool_value');
    if (b !== undefined) return { bool_value: b };
    const i = this.int64(o, 'intValue', 'int_value', false);
    if (i !== undefined) return { int_value: i };
    const d = this.double(o, 'doubleValue', 'double_value');
    if (d !== undefined) return { double_value: d };
    const array = this.object(o, 'arrayValue', 'array_value');
    if (array !== undefined) {
      return {
        array_value: this.within('arrayValue', () => ({
          values: this.list(array, 'values', 'values', (v) => this.anyValue(v, depth + 1)),
        })),
      };
    }
    const kvlist = this.object(o, 'kvlistValue', 'kvlist_value');
    if (kvlist !== undefined) {
      return {
        kvlist_value: this.within('kvlistValue', () => ({
          values: this.list(kvlist, 'values', 'values', (kv) => this.keyValue(kv, depth + 1)),
        })),
      };
    }
    const bytes = this.string(o, 'bytesValue', 'bytes_value');
    if (bytes !== undefined) return { bytes_value: Buffer.from(bytes, 'base64') };
    return {};
  }

  // ---- fields ----

  private field(o: JsonObject, camel: string, snake: string): unknown {
    const v = o[camel] ?? o[snake];
    return v === null ? undefined : v;
  }

  private object(o: JsonObject, camel: string, snake: string): JsonObject | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    if (!isObject(v)) return this.fail(camel, `must be an object, not ${kindOf(v)}`);
    return v;
  }

  private string(o: JsonObject, camel: string, snake: string): string | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined || typeof v === 'string') return v;
    return this.fail(camel, `must be a string, not ${kindOf(v)}`);
  }

  private bool(o: JsonObject, camel: string, snake: string): boolean | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined || typeof v === 'boolean') return v;
    return this.fail(camel, `must be true or false, not ${kindOf(v)}`);
  }

  private double(o: JsonObject, camel: string, snake: string): number | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    this.path.push(camel);
    const n = this.doubleValue(v);
    this.path.pop();
    return n;
  }

  /** A number, or a string holding one (`"NaN"`, `"Infinity"`, `"-Infinity"`, `"1.5"`), as proto3 JSON allows. */
  private doubleValue(v: unknown): number {
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      if (v === 'NaN') return NaN;
      if (v === 'Infinity') return Infinity;
      if (v === '-Infinity') return -Infinity;
      const n = v.trim() === '' ? NaN : Number(v);
      if (!Number.isNaN(n)) return n;
    }
    return this.fail(undefined, `must be a number, not ${kindOf(v)}`);
  }

  private int32(o: JsonObject, camel: string, snake: string): number | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && INTEGER_TEXT.test(v) ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && Math.abs(n) <= 2 ** 31) return n;
    return this.fail(camel, `must be a 32-bit integer, not ${kindOf(v)}`);
  }

  private uint32(o: JsonObject, camel: string, snake: string): number | undefined {
    const n = this.int32(o, camel, snake);
    if (n === undefined || n >= 0) return n;
    return this.fail(camel, 'must not be negative');
  }

  private int64(o: JsonObject, camel: string, snake: string, unsigned: boolean): Int64Text | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    this.path.push(camel);
    const text = this.int64Value(v, unsigned);
    this.path.pop();
    return text;
  }

  /**
   * Decimal text of a 64-bit integer. A JSON number above 2^53 has already lost digits in `JSON.parse`;
   * OTLP/JSON senders write 64-bit values as strings for that reason (the SDK does).
   */
  private int64Value(v: unknown, unsigned: boolean): Int64Text {
    let text: string | undefined;
    if (typeof v === 'string' && INTEGER_TEXT.test(v)) text = v;
    else if (typeof v === 'number' && Number.isInteger(v)) text = BigInt(v).toString();
    if (text === undefined) return this.fail(undefined, `must be an integer (a decimal string or a number), not ${kindOf(v)}`);
    const n = BigInt(text);
    const fits = unsigned ? n >= 0n && n < 2n ** 64n : n >= -(2n ** 63n) && n < 2n ** 63n;
    if (!fits) return this.fail(undefined, `does not fit in a ${unsigned ? 'uint64' : 'int64'}`);
    return n.toString();
  }

  private int64List(o: JsonObject, camel: string, snake: string): Int64Text[] | undefined {
    return this.list(o, camel, snake, undefined, (v) => this.int64Value(v, true));
  }

  /** A repeated field: objects read by `readObject`, or scalars read by `readScalar`. */
  private list<T>(
    o: JsonObject,
    camel: string,
    snake: string,
    readObject: ((v: JsonObject) => T) | undefined,
    readScalar?: (v: unknown) => T,
  ): T[] | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) return this.fail(camel, `must be a list, not ${kindOf(v)}`);
    const out: T[] = new Array<T>(v.length);
    this.path.push(camel);
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      this.path.push(i);
      if (readScalar !== undefined) out[i] = readScalar(item);
      else if (readObject !== undefined && isObject(item)) out[i] = readObject(item);
      else this.fail(undefined, `must be an object, not ${kindOf(item)}`);
      this.path.pop();
    }
    this.path.pop();
    return out;
  }

  private within<T>(key: string, read: () => T): T {
    this.path.push(key);
    const out = read();
    this.path.pop();
    return out;
  }

  private fail(key: string | undefined, problem: string): never {
    let at = '';
    for (const part of key === undefined ? this.path : [...this.path, key]) {
      at += typeof part === 'number' ? `[${part}]` : at === '' ? part : `.${part}`;
    }
    throw new JsonShapeError(`${at === '' ? 'body' : at}: ${problem}`);
  }
}

/** What a value is, never the value itself: these messages may reach the log, payloads must not. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'boolean') return 'true/false';
  return `a ${typeof v}`;
}
