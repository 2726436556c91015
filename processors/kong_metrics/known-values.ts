/**
 * Attributes whose values form a closed set. Any client that reaches a log receiver can write any string
 * there, and each new string would be a new series; so a value outside the set becomes `_OTHER`, as the
 * HTTP semantic conventions require for `http.request.method` ("If the HTTP request method is not known
 * to instrumentation, it MUST set the http.request.method attribute to _OTHER"). Open-ended names
 * (services, routes, consumers, models, tools, MCP methods, error messages) are bounded by the series
 * limits instead.
 */
export const OTHER = '_OTHER';

/**
 * The semantic conventions' default known methods: those of RFC 9110 §9 and PATCH (RFC 5789), matched
 * case-sensitively (open-telemetry/semantic-conventions@8fdee32, docs/registry/attributes/http.md, note 2).
 * `http_known_methods` replaces the list — a full override, not an addition, as that note requires of an
 * instrumentation that could turn valid methods into `_OTHER` (WebDAV's PROPFIND, for one).
 * `http.request.method_original` is not set: the note asks it of tracing instrumentations only, and on a
 * metric it would bring back the very cardinality `_OTHER` removes.
 */
export const DEFAULT_HTTP_METHODS: readonly string[] = ['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE'];

/** `meta.request_mode` (kong-log-format.md §4, 3.12 EE). */
export const REQUEST_MODES: ReadonlySet<string> = new Set(['oneshot', 'stream', 'realtime']);

/** `cache.cache_status`, lower-cased (docs: `Hit`, `Miss`, `Bypass`, `Refresh`; EE code adds `failed`). */
export const CACHE_STATUSES: ReadonlySet<string> = new Set(['hit', 'miss', 'bypass', 'refresh', 'failed']);

/** `ai.mcp.audit[].primitive` (3.13 EE). */
export const MCP_PRIMITIVES: ReadonlySet<string> = new Set(['tool', 'resource', 'prompt']);

/** `ai.a2a.rpc[].method`: Kong logs a canonical name, or `unknown` for any other (3.14 EE field reference). */
export const A2A_METHODS: ReadonlySet<string> = new Set([
  'message/send',
  'message/stream',
  'tasks/get',
  'tasks/list',
  'tasks/cancel',
  'tasks/resubscribe',
  'tasks/pushNotificationConfig/set',
  'tasks/pushNotificationConfig/get',
  'tasks/pushNotificationConfig/list',
  'tasks/pushNotificationConfig/delete',
  'agent/getCard',
  'agent/getExtendedAgentCard',
  'agent/getAuthenticatedExtendedCard',
  'unknown',
]);

/** `ai.a2a.rpc[].binding`: Kong's `jsonrpc` and `rest`, and the A2A specification's third transport, gRPC. */
export const A2A_BINDINGS: ReadonlySet<string> = new Set(['jsonrpc', 'rest', 'grpc']);

/** `ai.a2a.rpc[].task_state`: the A2A specification's TaskState values. */
export const A2A_TASK_STATES: ReadonlySet<string> = new Set([
  'submitted',
  'working',
  'input-required',
  'completed',
  'canceled',
  'failed',
  'rejected',
  'auth-required',
  'unknown',
]);

/** A non-empty string: itself when in `values`, else `_OTHER`; anything else → undefined (not logged). */
export function known(v: unknown, values: ReadonlySet<string>): string | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  return values.has(v) ? v : OTHER;
}
