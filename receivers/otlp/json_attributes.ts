import type { JsonFields, JsonObject } from './json_fields.js';
import type { WireAnyValue, WireKeyValue } from './wire.js';

/** AnyValue nesting deeper than this is refused rather than walked, so a hostile body cannot exhaust the stack. */
const MAX_VALUE_DEPTH = 64;

/** OTLP/JSON `attributes` (resource, scope, point) → the wire shape; `bytesValue` is base64. */
export function readAttributes(f: JsonFields, o: JsonObject): WireKeyValue[] | undefined {
  return f.list(o, 'attributes', 'attributes', (kv) => keyValue(f, kv, 0));
}

function keyValue(f: JsonFields, o: JsonObject, depth: number): WireKeyValue {
  const key = f.string(o, 'key', 'key');
  const value = f.object(o, 'value', 'value');
  if (value === undefined) return { key };
  return { key, value: f.within('value', () => anyValue(f, value, depth)) };
}

function anyValue(f: JsonFields, o: JsonObject, depth: number): WireAnyValue {
  if (depth > MAX_VALUE_DEPTH) f.fail(undefined, `attribute values nest deeper than ${MAX_VALUE_DEPTH} levels`);
  const s = f.string(o, 'stringValue', 'string_value');
  if (s !== undefined) return { string_value: s };
  const b = f.bool(o, 'boolValue', 'bool_value');
  if (b !== undefined) return { bool_value: b };
  const i = f.int64(o, 'intValue', 'int_value', false);
  if (i !== undefined) return { int_value: i };
  const d = f.double(o, 'doubleValue', 'double_value');
  if (d !== undefined) return { double_value: d };
  const array = f.object(o, 'arrayValue', 'array_value');
  if (array !== undefined) {
    return {
      array_value: f.within('arrayValue', () => ({
        values: f.list(array, 'values', 'values', (v) => anyValue(f, v, depth + 1)),
      })),
    };
  }
  const kvlist = f.object(o, 'kvlistValue', 'kvlist_value');
  if (kvlist !== undefined) {
    return {
      kvlist_value: f.within('kvlistValue', () => ({
        values: f.list(kvlist, 'values', 'values', (kv) => keyValue(f, kv, depth + 1)),
      })),
    };
  }
  const bytes = f.string(o, 'bytesValue', 'bytes_value');
  if (bytes !== undefined) return { bytes_value: Buffer.from(bytes, 'base64') };
  return {};
}
