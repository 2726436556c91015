import { isObject, numberField } from '../../core/index.js';
import { OTHER } from './known-values.js';

/**
 * The values one entry contributes to attributes, read once per entry (and per AI call / RPC) into this
 * reusable object, so the hot path allocates nothing unless a series is new. Excluded attributes are
 * left undefined, which removes them from both the series key and the attribute set.
 */
export class EntryFields {
  service: string | undefined = undefined;
  route: string | undefined = undefined;
  workspace: string | undefined = undefined;
  consumer: string | undefined = undefined;
  method: string | undefined = undefined;
  status: number | undefined = undefined;
  source: string | undefined = undefined;
  /** `error.type` of GenAI durations: the response status as a string when ≥ 400. */
  httpError: string | undefined = undefined;

  provider: string | undefined = undefined;
  requestModel: string | undefined = undefined;
  responseModel: string | undefined = undefined;
  operation: string | undefined = undefined;
  mode: string | undefined = undefined;
  tokenType: string | undefined = undefined;
  cacheStatus: string | undefined = undefined;
  vectorDb: string | undefined = undefined;
  embeddingsProvider: string | undefined = undefined;
  embeddingsModel: string | undefined = undefined;

  guardrailsId: string | undefined = undefined;
  guardrailsVersion: string | undefined = undefined;
  guardrailsRegion: string | undefined = undefined;
  guardrailsMode: string | undefined = undefined;

  rpcMethod: string | undefined = undefined;
  toolName: string | undefined = undefined;
  /** `error.type` of MCP calls, `kong.gen_ai.a2a.error.type` of A2A calls. */
  rpcError: string | undefined = undefined;
  primitive: string | undefined = undefined;
  primitiveName: string | undefined = undefined;
  binding: string | undefined = undefined;
  taskState: string | undefined = undefined;
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

/** What `statusCode` returns for a status that is logged but is no HTTP status code. */
export const INVALID_STATUS = 0;

/**
 * `response.status`: an HTTP status code is a three-digit integer, 100–599 (RFC 9110 §15); undefined when
 * absent, INVALID_STATUS for anything else logged there (strings, 0, 600, 1e9, 200.5, objects). An invalid
 * one is no `kong.response.status_code` value, and its `error.type` is `_OTHER`: the semantic conventions
 * count "any other code the client failed to interpret" as an error (docs/http/http-spans.md, Status).
 */
export function statusCode(v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isInteger(v) && v >= 100 && v <= 599 ? v : INVALID_STATUS;
}

/** `consumer.username`, else `custom_id`, else `id`; undefined when the request was anonymous. */
export function consumerName(consumer: unknown): string | undefined {
  if (!isObject(consumer)) return undefined;
  return text(consumer.username) ?? text(consumer.custom_id) ?? text(consumer.id);
}

/**
 * Who answered: `source` (Kong 3.6+); else `upstream` when `upstream_status` is non-empty (a string such
 * as "200" or "502, 200", or a number for buffered proxying) and `kong` when it is ""; before Kong 3.3 the
 * entry has no `upstream_status` at all, and whether `latencies.proxy` was measured is the only clue.
 */
export function responseSource(source: unknown, upstreamStatus: unknown, upstreamMs: number | undefined): string {
  if (source === 'upstream' || source === 'kong') return source;
  // Kong logs no other value (kong-log-format.md §2); any other string is a client's, and one series each.
  if (typeof source === 'string' && source !== '') return OTHER;
  if (typeof upstreamStatus === 'string') return upstreamStatus.trim() !== '' ? 'upstream' : 'kong';
  if (typeof upstreamStatus === 'number') return 'upstream';
  return upstreamMs !== undefined ? 'upstream' : 'kong';
}

/**
 * `gen_ai.operation.name` from the request path (query string ignored): OpenAI-style `…/embeddings` →
 * `embeddings`, `…/completions` without `chat/` (and Kong's `llm/v1/completions`) → `text_completion`,
 * anything else (chat completions, Anthropic messages, Kong's `llm/v1/chat`) → `chat`.
 */
export function operationName(uri: unknown): string {
  if (typeof uri !== 'string') return 'chat';
  const q = uri.indexOf('?');
  const path = (q === -1 ? uri : uri.slice(0, q)).toLowerCase();
  if (path.includes('embeddings')) return 'embeddings';
  const c = path.indexOf('completions');
  if (c !== -1 && !path.startsWith('chat/', c - 5)) return 'text_completion';
  return 'chat';
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
