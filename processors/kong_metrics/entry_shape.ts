import type { JsonObject } from '../../core/index.js';
import { capped } from './values.js';

/**
 * The fields of a Kong entry a section reads, declared beside the code that reads them: what the
 * write-ahead log stores of an entry (durable/entry_codec.ts) is the union of every section's shape, so
 * it cannot fall behind what the sections read (test/processors/kong_metrics/durable/entry_codec.test.ts checks it on every fixture).
 */

/** What a leaf is stored as: a JSON scalar, `null` when absent. */
export type Stored = string | number | boolean | null;

/**
 * A field read as one value: how it is stored (only what the reader can use of it, given the object
 * that holds it: a fallback need not be stored when what it falls back from is there) and read back.
 */
export interface Leaf {
  readonly kind: 'leaf';
  /** Names the reduction in the layout's fingerprint: give it a new name when the reduction changes, so older records are not misread. */
  readonly name: string;
  readonly store: (v: unknown, holder: JsonObject) => Stored;
  readonly load: (s: Stored) => unknown;
}

/**
 * Members of an object that are each an object of `call`'s shape (the AI plugin objects of `ai`): the
 * object itself when `isCall` holds for it (Kong 3.6), else each member for which it holds, except
 * `notCalls`.
 */
export interface CallRule {
  readonly call: ObjectShape;
  readonly isCall: (v: unknown) => boolean;
  readonly notCalls: ReadonlySet<string>;
}

export interface ObjectShape {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, FieldShape>>;
  /** `fields`' keys and shapes in order, for the codec's loops. */
  readonly keys: readonly string[];
  readonly shapes: readonly FieldShape[];
  readonly calls?: CallRule;
}

/** An array of objects, each read with `item`'s shape. */
export interface ListShape {
  readonly kind: 'list';
  readonly item: ObjectShape;
}

export type FieldShape = Leaf | ObjectShape | ListShape;

const same = (s: Stored): unknown => s;

/** A scalar as stored: strings cut where attributes are cut, numbers and booleans as they are; objects and arrays (never read as a value) dropped. */
export function storedScalar(v: unknown): Stored {
  return typeof v === 'string' ? capped(v) : typeof v === 'number' || typeof v === 'boolean' ? v : null;
}

/** Read as a scalar. */
export const scalar: Leaf = { kind: 'leaf', name: 'scalar', store: storedScalar, load: same };

/** A leaf stored already reduced to what its reader makes of it (the reader must read the stored form the same). */
export function reduced(name: string, store: (v: unknown, holder: JsonObject) => Stored, load: (s: Stored) => unknown = same): Leaf {
  return { kind: 'leaf', name, store, load };
}

export function object(fields: Readonly<Record<string, FieldShape>>, calls?: CallRule): ObjectShape {
  const keys = Object.keys(fields);
  const shape = { kind: 'object' as const, fields, keys, shapes: keys.map((k) => fields[k]) };
  return calls === undefined ? shape : { ...shape, calls };
}

export function list(item: Readonly<Record<string, FieldShape>>): ListShape {
  return { kind: 'list', item: object(item) };
}

/** One shape reading every field any of `shapes` reads; two sections reading a field differently is a bug. */
export function mergeShapes(shapes: readonly ObjectShape[], path = '$'): ObjectShape {
  const fields: Record<string, FieldShape> = {};
  let calls: CallRule | undefined;
  for (const s of shapes) {
    for (const [key, f] of Object.entries(s.fields)) {
      const seen = fields[key];
      fields[key] = seen === undefined ? f : mergeField(seen, f, `${path}.${key}`);
    }
    if (s.calls !== undefined) calls = calls === undefined ? s.calls : mergeCalls(calls, s.calls, path);
  }
  return object(fields, calls);
}

function mergeField(a: FieldShape, b: FieldShape, path: string): FieldShape {
  if (a.kind === 'object' && b.kind === 'object') return mergeShapes([a, b], path);
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', item: mergeShapes([a.item, b.item], `${path}[]`) };
  if (a === b) return a;
  throw new Error(`kong_metrics: two sections read ${path} differently (${describe(a)} and ${describe(b)})`);
}

function mergeCalls(a: CallRule, b: CallRule, path: string): CallRule {
  if (a.isCall !== b.isCall || a.notCalls !== b.notCalls) throw new Error(`kong_metrics: two sections tell the calls of ${path} apart differently`);
  return { call: mergeShapes([a.call, b.call], `${path}.*`), isCall: a.isCall, notCalls: a.notCalls };
}

/** The layout as text, for its fingerprint: any change of a field or of how it is stored changes it. */
export function describe(s: FieldShape): string {
  if (s.kind === 'leaf') return s.name;
  if (s.kind === 'list') return `[${describe(s.item)}]`;
  const fields = s.keys.map((k, i) => `${JSON.stringify(k)}:${describe(s.shapes[i])}`);
  if (s.calls !== undefined) fields.unshift(`*:${describe(s.calls.call)}`);
  return `{${fields.join(',')}}`;
}
