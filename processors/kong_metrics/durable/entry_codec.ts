import { crc32 } from 'node:zlib';
import { isObject, type JsonObject, type KongLogEntry } from '../../../core/index.js';
import { describe, type FieldShape, type ObjectShape, type Stored } from '../entry_shape.js';
import { ENTRY_FIELDS } from '../sections/index.js';

/**
 * How the write-ahead log stores an entry: only the fields the sections read — the union of their
 * declared shapes (sections/index.ts), so there is no second list to keep in step — as positional
 * arrays, so a record is a fraction of the entries' JSON and quick to write; `decodeEntries` rebuilds
 * objects that aggregate exactly like the entries did (test/processors/kong_metrics/durable/entry_codec.test.ts checks this on every Kong
 * fixture, test/fuzz on mutated ones). No payloads, headers, query strings, client addresses or error
 * messages reach the disk: leaves are stored as their readers reduce them (entry_shape.ts).
 *
 * Layout: a record is `[fingerprint, …entries]`. An object is a tuple: where its shape has calls (`ai`),
 * first the list of calls, each `[name, …the call's slots]` (`name` null: the object itself is the
 * call), then one slot per declared field in declaration order; trailing empty slots are left off, and a slot that is not an
 * object holds `null`. A list keeps only its object items (the sections skip the others). The
 * fingerprint is the crc32 of the layout's description: a field added or stored differently changes it,
 * and a record written with another layout is not replayed rather than read into the wrong fields.
 */

export const LAYOUT_FINGERPRINT = crc32(describe(ENTRY_FIELDS));

type Tuple = unknown[];
type Encode = (v: unknown, holder: JsonObject) => unknown;
/** `name`, when given, is the tuple's first slot (a call's member name; null for the object itself). */
type EncodeObject = (v: unknown, name?: string | null) => Tuple | null;

// The encoders are built once from the shapes, so writing an entry walks closures made for its fields
// rather than dispatching on every shape node: the log is on the accept path of every batch.

function fieldEncoder(s: FieldShape): Encode {
  if (s.kind === 'leaf') return s.store;
  if (s.kind === 'object') {
    const object = objectEncoder(s);
    return (v) => object(v);
  }
  const item = objectEncoder(s.item);
  return (v) => {
    if (!Array.isArray(v)) return null;
    const out: unknown[] = [];
    for (const x of v as unknown[]) if (isObject(x)) out.push(item(x));
    return out;
  };
}

function objectEncoder(s: ObjectShape): EncodeObject {
  const { keys } = s;
  const fields = s.shapes.map(fieldEncoder);
  const n = keys.length;
  const rule = s.calls;
  const call = rule === undefined ? undefined : objectEncoder(rule.call);
  return (v, name) => {
    if (!isObject(v)) return null;
    const t: Tuple = name === undefined ? [] : [name];
    // Empty slots are pushed only once a later slot holds something: trailing ones are never written.
    let empty = 0;
    if (rule !== undefined && call !== undefined) {
      let pairs: Tuple[] | null = null;
      if (rule.isCall(v)) pairs = [call(v, null) as Tuple];
      else for (const key in v) if (!rule.notCalls.has(key) && rule.isCall(v[key])) (pairs ??= []).push(call(v[key], key) as Tuple);
      if (pairs === null) empty = 1;
      else t.push(pairs);
    }
    for (let i = 0; i < n; i++) {
      const slot = fields[i](v[keys[i]], v);
      if (slot === null) {
        empty++;
        continue;
      }
      for (; empty > 0; empty--) t.push(null);
      t.push(slot);
    }
    return t;
  };
}

const encodeEntry = objectEncoder(ENTRY_FIELDS);

function decodeField(s: FieldShape, t: unknown): unknown {
  if (s.kind === 'leaf') return t === null || t === undefined ? undefined : s.load(t as Stored);
  if (s.kind === 'object') return decodeObject(s, t);
  return Array.isArray(t) ? (t as unknown[]).map((item) => decodeObject(s.item, item) ?? {}) : undefined;
}

/** The object stored in tuple `t` from slot `at` on. */
function decodeObject(s: ObjectShape, t: unknown, at = 0): JsonObject | undefined {
  if (!Array.isArray(t)) return undefined;
  const o: Record<string, unknown> = {};
  if (s.calls !== undefined) {
    const calls: unknown = t[at++];
    if (Array.isArray(calls)) {
      for (const c of calls as unknown[]) {
        if (!Array.isArray(c)) continue;
        const name: unknown = c[0];
        const call = decodeObject(s.calls.call, c, 1) ?? {};
        if (name === null) Object.assign(o, call);
        // defineProperty: a member named "__proto__" stays a member, as JSON.parse made it.
        else Object.defineProperty(o, String(name), { value: call, enumerable: true, writable: true, configurable: true });
      }
    }
  }
  const { keys, shapes } = s;
  for (let i = 0; i < keys.length; i++) {
    const v = decodeField(shapes[i], t[at + i]);
    if (v !== undefined) o[keys[i]] = v;
  }
  return o;
}

/** The log record of a batch of entries. */
export function encodeEntries(entries: readonly KongLogEntry[]): string {
  const out = new Array<unknown>(entries.length + 1);
  out[0] = LAYOUT_FINGERPRINT;
  for (let i = 0; i < entries.length; i++) out[i + 1] = encodeEntry(entries[i]) ?? [];
  return JSON.stringify(out);
}

/** The entries of a log record, in a shape the sections read as they read the originals; undefined if it is no record of this layout. */
export function decodeEntries(text: string): KongLogEntry[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed[0] !== LAYOUT_FINGERPRINT) return undefined;
  const entries: KongLogEntry[] = [];
  for (let i = 1; i < parsed.length; i++) {
    const e = decodeObject(ENTRY_FIELDS, parsed[i]);
    if (e === undefined) return undefined;
    entries.push(e);
  }
  return entries;
}
