/**
 * Adds OTLP `flags` to data points of an encoded ExportMetricsServiceRequest. The SDK's serializer has no
 * flags field (its DataPoint type has none), so a point marked "no recorded value" would reach the backend
 * as a real zero. Points are patched in the serializer's own order (resource → scope → metric → point), so
 * `flags[i]` belongs to the i-th point written. Only runs when some point carries flags (rare: staleness).
 */

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

/** Metric fields holding points, and the field number of `flags` in that point type. */
const POINT_FLAGS_FIELD: Readonly<Record<number, number>> = { 5: 8, 7: 8, 9: 10, 10: 10 };

interface Cursor {
  readonly buf: Uint8Array;
  pos: number;
}

function readVarint(c: Cursor): number {
  let result = 0;
  let shift = 1;
  for (;;) {
    const b = c.buf[c.pos++];
    if (b === undefined) throw new Error('truncated varint');
    result += (b & 0x7f) * shift;
    if (b < 0x80) return result;
    shift *= 128;
  }
}

function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

type Rewrite = (field: number, body: Uint8Array) => Uint8Array;

/** Copies every field of one message, passing length-delimited ones through `rewrite`. */
function rewriteMessage(buf: Uint8Array, rewrite: Rewrite): Uint8Array {
  const c: Cursor = { buf, pos: 0 };
  const parts: Uint8Array[] = [];
  while (c.pos < buf.length) {
    const start = c.pos;
    const tag = readVarint(c);
    const wire = tag & 7;
    const field = Math.floor(tag / 8);
    if (wire === WIRE_LEN) {
      const len = readVarint(c);
      const body = buf.subarray(c.pos, c.pos + len);
      c.pos += len;
      const out = rewrite(field, body);
      if (out === body) parts.push(buf.subarray(start, c.pos));
      else parts.push(Uint8Array.from([...varint(tag), ...varint(out.length)]), out);
      continue;
    }
    if (wire === WIRE_VARINT) readVarint(c);
    else if (wire === WIRE_FIXED64) c.pos += 8;
    else if (wire === WIRE_FIXED32) c.pos += 4;
    else throw new Error(`unexpected wire type ${wire}`);
    parts.push(buf.subarray(start, c.pos));
  }
  return Buffer.concat(parts);
}

export function patchPointFlags(request: Uint8Array, flags: readonly number[]): Uint8Array {
  let next = 0;
  const point = (flagsField: number) => (body: Uint8Array) => {
    const f = flags[next++] ?? 0;
    if (f === 0) return body;
    return Buffer.concat([body, Uint8Array.from([...varint(flagsField * 8 + WIRE_VARINT), ...varint(f)])]);
  };
  const metric: Rewrite = (field, body) => {
    const flagsField = POINT_FLAGS_FIELD[field];
    if (flagsField === undefined) return body;
    const onPoint = point(flagsField);
    return rewriteMessage(body, (f, b) => (f === 1 ? onPoint(b) : b));
  };
  const scope: Rewrite = (field, body) => (field === 2 ? rewriteMessage(body, metric) : body);
  const resource: Rewrite = (field, body) => (field === 2 ? rewriteMessage(body, scope) : body);
  return rewriteMessage(request, (field, body) => (field === 1 ? rewriteMessage(body, resource) : body));
}
