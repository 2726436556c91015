/**
 * One Kong log entry: the JSON object Kong's `kong.log.serialize()` produces (see kong-log-format.md).
 * Kept as the parsed object, not copied into a class: fields drift in type across Kong versions
 * (sizes were strings before 2.2, `upstream_status` is a string or a number), so every reader checks the
 * type of each field it uses, once, where it uses it.
 */
export type KongLogEntry = Readonly<Record<string, unknown>>;

export type JsonObject = Readonly<Record<string, unknown>>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A finite number, or a numeric string (Kong ≤ 2.1 logged sizes as strings); anything else → undefined. */
export function numberField(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function stringField(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
