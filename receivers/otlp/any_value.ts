import type { Attributes } from '@opentelemetry/api';
import type { WireAnyValue, WireKeyValue } from './wire.js';

const MAX_DEPTH = 64;

/**
 * An OTLP AnyValue as a JS value. Beyond the API's `AttributeValue` (string, number, boolean, homogeneous
 * arrays), OTLP has byte strings, mixed arrays and key-value lists; they are kept as `Uint8Array`, arrays
 * and plain objects, which is what the SDK's OTLP serializers write back as bytes / array / kvlist values.
 */
export type AnyJsValue = string | number | boolean | Uint8Array | null | AnyJsValue[] | { [key: string]: AnyJsValue };

/**
 * int64 beyond 2^53 loses precision here: the SDK keeps attribute values as JS numbers.
 * An AnyValue with nothing set (OTLP's "empty" value) becomes null.
 */
export function anyValueToJs(v: WireAnyValue | undefined, depth = 0): AnyJsValue {
  // Deeper nesting than any real attribute is cut off, so a hostile request cannot exhaust the stack.
  if (v === undefined || depth > MAX_DEPTH) return null;
  if (v.string_value !== undefined) return v.string_value;
  if (v.bool_value !== undefined) return v.bool_value;
  if (v.int_value !== undefined) return Number(v.int_value);
  if (v.double_value !== undefined) return v.double_value;
  if (v.array_value !== undefined) return (v.array_value.values ?? []).map((item) => anyValueToJs(item, depth + 1));
  if (v.kvlist_value !== undefined) return keyValuesToObject(v.kvlist_value.values, depth + 1);
  // A copy: protobufjs hands out views into the request body, which would otherwise stay in memory.
  if (v.bytes_value !== undefined) return new Uint8Array(v.bytes_value);
  return null;
}

function keyValuesToObject(list: readonly WireKeyValue[] | undefined, depth: number): { [key: string]: AnyJsValue } {
  const out: { [key: string]: AnyJsValue } = {};
  if (list === undefined) return out;
  for (const kv of list) setOwn(out, kv.key ?? '', anyValueToJs(kv.value, depth));
  return out;
}

/**
 * OTLP attributes → the SDK's `Attributes`. A key whose value is empty is left out (it says nothing, and
 * `undefined` values upset exporters); a repeated key keeps its last value.
 */
export function toAttributes(list: readonly WireKeyValue[] | undefined): Attributes {
  const out: Record<string, AnyJsValue> = {};
  if (list === undefined) return out as Attributes;
  for (const kv of list) {
    const value = anyValueToJs(kv.value, 0);
    if (value !== null) setOwn(out, kv.key ?? '', value);
  }
  // The SDK types attribute values narrowly, but its serializers and processors carry any AnyValue through.
  return out as Attributes;
}

/** A plain assignment of the key `__proto__` would replace the object's prototype instead of adding a key. */
function setOwn(target: Record<string, AnyJsValue>, key: string, value: AnyJsValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
