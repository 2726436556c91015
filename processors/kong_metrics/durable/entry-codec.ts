import { crc32 } from 'node:zlib';
import { isObject, type JsonObject, type KongLogEntry } from '../../../core/index.js';
import { callNames, describe, type FieldShape, type ObjectShape, type Stored } from '../entry-shape.js';
import { ENTRY_FIELDS } from '../sections/index.js';

/**
 * How the write-ahead log stores an entry: only the fields the sections read — the union of their
 * declared shapes (sections/index.ts), so there is no second list to keep in step — as positional
 * arrays, so a record is a fraction of the entries' JSON and quick to write; `decodeEntries` rebuilds
 * objects that aggregate exactly like the entries did (test/durability checks this on every Kong
 * fixture, test/fuzz on mutated ones). No payloads, headers, query strings, client addresses or error
 * messages reach the disk: leaves are stored as their readers reduce them (entry-shape.ts).
 *
 * Layout: a record is `[fingerprint, …entries]`. An object is a tuple: where its shape has calls (`ai`),
 * first the `[name, call]` pairs (`name` null: the object itself is the call), then one slot per
 * declared field in declaration order; trailing empty slots are left off, and a slot that is not an
 * object holds `null`. A list keeps only its object items (the sections skip the others). The
 * fingerprint is the crc32 of the layout's description: a field added or stored differently changes it,
 * and a record written with another layout is not replayed rather than read into the wrong fields.
 */

export const LAYOUT_FINGERPRINT = crc32(describe(ENTRY_FIELDS));

type Tuple = unknown[];

function encodeField(s: FieldShape, v: unknown, holder: JsonObject): unknown {
  if (s.kind === 'leaf') return s.store(v, holder);
  if (s.kind === 'object') return encodeObject(s, v);
  if (!Array.isArray(v)) return null;
  const out: Tuple[] = [];
  for (const item of v as unknown[]) if (isObject(item)) out.push(encodeObject(s.item, item) as Tuple);
  return out;
}

function encodeObject(s: ObjectShape, v: unknown): Tuple | null {
  if (!isObject(v)) return null;
  const t: Tuple = [];
  const calls = s.calls;
  if (calls !== undefined) {
    const names = callNames(calls, v);
    t.push(names.length === 0 ? null : names.map((name) => [name, encodeObject(calls.call, name === null ? v : v[name])]));
  }
  const { keys, shapes } = s;
  for (let i = 0; i < keys.length; i++) t.push(encodeField(shapes[i], v[keys[i]], v));
  let n = t.length;
  while (n > 0 && t[n - 1] === null) n--;
  t.length = n;
  return t;
}

function decodeField(s: FieldShape, t: unknown): unknown {
  if (s.kind === 'leaf') return t === null || t === undefined ? undefined : s.load(t as Stored);
  if (s.kind === 'object') return decodeObject(s, t);
  return Array.isArray(t) ? (t as unknown[]).map((item) => decodeObject(s.item, item) ?? {}) : undefined;
}

function decodeObject(s: ObjectShape, t: unknown): JsonObject | undefined {
  if (!Array.isArray(t)) return undefined;
  const o: Record<string, unknown> = {};
  let at = 0;
  if (s.calls !== undefined) {
    const pairs: unknown = t[at++];
    if (Array.isArray(pairs)) {
      for (const pair of pairs as unknown[]) {
        if (!Array.isArray(pair)) continue;
        const c = decodeObject(s.calls.call, pair[1]) ?? {};
        if (pair[0] === null) Object.assign(o, c);
        // defineProperty: a member named "__proto__" stays a member, as JSON.parse made it.
        else Object.defineProperty(o, String(pair[0]), { value: c, enumerable: true, writable: true, configurable: true });
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
  for (let i = 0; i < entries.length; i++) out[i + 1] = encodeObject(ENTRY_FIELDS, entries[i]) ?? [];
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
