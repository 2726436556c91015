import type { Int64Text } from './wire.js';

/**
 * The field readers of OTLP/JSON decoding (json_request.ts): each takes a key in lowerCamelCase and
 * its proto snake_case twin (protobuf's JSON parsers accept both), treats `null` as absent, and throws
 * a `JsonShapeError` naming where the value is (`resourceMetrics[0].scopeMetrics[2]…`) when its type
 * is wrong, so the sender learns what to fix. The path is kept as the walk goes down and up.
 */

export class JsonShapeError extends Error {
  override readonly name = 'JsonShapeError';
}

export type JsonObject = { readonly [key: string]: unknown };

const INTEGER_TEXT = /^-?\d+$/;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class JsonFields {
  private readonly path: (string | number)[] = [];

  field(o: JsonObject, camel: string, snake: string): unknown {
    const v = o[camel] ?? o[snake];
    return v === null ? undefined : v;
  }

  object(o: JsonObject, camel: string, snake: string): JsonObject | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    if (!isObject(v)) return this.fail(camel, `must be an object, not ${kindOf(v)}`);
    return v;
  }

  string(o: JsonObject, camel: string, snake: string): string | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined || typeof v === 'string') return v;
    return this.fail(camel, `must be a string, not ${kindOf(v)}`);
  }

  bool(o: JsonObject, camel: string, snake: string): boolean | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined || typeof v === 'boolean') return v;
    return this.fail(camel, `must be true or false, not ${kindOf(v)}`);
  }

  double(o: JsonObject, camel: string, snake: string): number | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    return this.within(camel, () => this.doubleValue(v));
  }

  /** A number, or a string holding one (`"NaN"`, `"Infinity"`, `"-Infinity"`, `"1.5"`), as proto3 JSON allows. */
  doubleValue(v: unknown): number {
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

  int32(o: JsonObject, camel: string, snake: string): number | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && INTEGER_TEXT.test(v) ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && Math.abs(n) <= 2 ** 31) return n;
    return this.fail(camel, `must be a 32-bit integer, not ${kindOf(v)}`);
  }

  uint32(o: JsonObject, camel: string, snake: string): number | undefined {
    const n = this.int32(o, camel, snake);
    if (n === undefined || n >= 0) return n;
    return this.fail(camel, 'must not be negative');
  }

  int64(o: JsonObject, camel: string, snake: string, unsigned: boolean): Int64Text | undefined {
    const v = this.field(o, camel, snake);
    if (v === undefined) return undefined;
    return this.within(camel, () => this.int64Value(v, unsigned));
  }

  /**
   * Decimal text of a 64-bit integer. A JSON number above 2^53 has already lost digits in `JSON.parse`;
   * OTLP/JSON senders write 64-bit values as strings for that reason (the SDK does).
   */
  int64Value(v: unknown, unsigned: boolean): Int64Text {
    let text: string | undefined;
    if (typeof v === 'string' && INTEGER_TEXT.test(v)) text = v;
    else if (typeof v === 'number' && Number.isInteger(v)) text = BigInt(v).toString();
    if (text === undefined) return this.fail(undefined, `must be an integer (a decimal string or a number), not ${kindOf(v)}`);
    const n = BigInt(text);
    const fits = unsigned ? n >= 0n && n < 2n ** 64n : n >= -(2n ** 63n) && n < 2n ** 63n;
    if (!fits) return this.fail(undefined, `does not fit in a ${unsigned ? 'uint64' : 'int64'}`);
    return n.toString();
  }

  int64List(o: JsonObject, camel: string, snake: string): Int64Text[] | undefined {
    return this.list(o, camel, snake, undefined, (v) => this.int64Value(v, true));
  }

  /** A repeated field: objects read by `readObject`, or scalars read by `readScalar`. */
  list<T>(
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

  /** Reads below `key`, so an error inside says where it is. */
  within<T>(key: string, read: () => T): T {
    this.path.push(key);
    const out = read();
    this.path.pop();
    return out;
  }

  fail(key: string | undefined, problem: string): never {
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
