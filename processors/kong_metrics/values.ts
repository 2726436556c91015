import type { Attributes } from '@opentelemetry/api';
import { isObject, type JsonObject, numberField } from '../../core/index.js';

/**
 * How kong_metrics reads a value from a log entry: types checked once, where the value is read, since
 * they drift across Kong versions and any client can send anything (kong-log-format.md §7).
 */

/** What a missing section reads as, so a reader never checks twice. */
export const EMPTY: JsonObject = Object.freeze({});

/** Sets an attribute when its value was logged (and not excluded): absent attributes are left out, never "". */
export function put(a: Attributes, name: string, v: string | number | undefined): void {
  if (v !== undefined) a[name] = v;
}

/**
 * Longest attribute value kept, in UTF-16 code units. Kong's names (services, routes, consumers, models,
 * tools) are far shorter; a longer one comes from a broken or hostile client, and each series repeats it
 * on every line of a Prometheus scrape (some 80 lines per route), so one 300 KB route name would make every
 * scrape 24 MB larger. Dynatrace truncates dimension values at 255 too.
 */
export const MAX_ATTRIBUTE_LENGTH = 256;

/** `s` cut to MAX_ATTRIBUTE_LENGTH, never between the two halves of a surrogate pair. */
export function capped(s: string): string {
  if (s.length <= MAX_ATTRIBUTE_LENGTH) return s;
  const last = s.charCodeAt(MAX_ATTRIBUTE_LENGTH - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_ATTRIBUTE_LENGTH - 1 : MAX_ATTRIBUTE_LENGTH);
}

/** A non-empty string (cut to MAX_ATTRIBUTE_LENGTH), else undefined (Kong omits optional names, or leaves them ""). */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? capped(v) : undefined;
}

/**
 * Largest measurement taken (ms, bytes, tokens): no real one comes near it, and two values near
 * Number.MAX_VALUE would add up to Infinity, which a cumulative series would then carry for good.
 */
const MAX_MEASUREMENT = Number.MAX_SAFE_INTEGER;

/**
 * A measured value for fields where Kong writes 0 when it did not measure (tokens, cost, llm_latency,
 * time_per_token, cache/RAG/guardrail latencies; kong-log-format.md §7.2): only > 0 counts.
 */
export function positive(v: unknown): number | undefined {
  return typeof v === 'number' && v > 0 && v <= MAX_MEASUREMENT ? v : undefined;
}

/** A measured value where 0 is real (a sub-millisecond request, an empty body) and -1 means "not measured". */
export function nonNegative(v: unknown): number | undefined {
  return typeof v === 'number' && v >= 0 && v <= MAX_MEASUREMENT ? v : undefined;
}

/** Request/response sizes: numbers since Kong 2.2, numeric strings before. */
export function size(v: unknown): number | undefined {
  const n = numberField(v);
  return n !== undefined && n >= 0 && n <= MAX_MEASUREMENT ? n : undefined;
}

/**
 * MCP/A2A `error`: a string in Kong's logs (e.g. "Invalid Request"); a JSON-RPC error object is reduced to
 * its `code`, never its message, which may echo request content. JSON-RPC codes are integers (JSON-RPC 2.0
 * §5.1); anything else is `_OTHER`.
 */
export function rpcError(v: unknown): string | undefined {
  if (v === undefined || v === null || v === false || v === '') return undefined;
  if (typeof v === 'string') return capped(v);
  const code = isObject(v) ? v.code : v;
  return Number.isSafeInteger(code) ? String(code) : OTHER;
}

/**
 * Attributes whose values form a closed set take `_OTHER` for anything outside it, as the HTTP semantic
 * conventions require for `http.request.method` ("If the HTTP request method is not known to
 * instrumentation, it MUST set the http.request.method attribute to _OTHER"): any client that reaches a
 * log receiver can write any string there, and each new one would be a series. Open-ended names
 * (services, routes, consumers, models, tools, MCP methods, error messages) are bounded by the series
 * limits instead. Each section keeps its own sets.
 */
export const OTHER = '_OTHER';

/** A non-empty string: itself when in `values`, else `_OTHER`; anything else → undefined (not logged). */
export function known(v: unknown, values: ReadonlySet<string>): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  return values.has(v) ? v : OTHER;
}
