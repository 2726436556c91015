/**
 * The series Kong's Prometheus plugin derives from request data, as the plugin declares them: names,
 * types, HELP text, label names in Kong's order and bucket bounds (milliseconds, bytes). One declaration
 * serves kong_metrics' `naming: kong` (which records these families from log entries), the prometheus
 * exporter (which passes them through under these names) and the OTel ↔ Kong name table
 * (prometheus_names.ts), so bounds and labels cannot differ between them.
 *
 * Source: Kong/kong `kong/plugins/prometheus/exporter.lua` at 22246ef28c16842098369b494eef879222e30c7b
 * (master, 2026-07-01), `init()` for the declarations and `log()` for the values. Per version:
 * - `workspace` on every request-derived family since 3.7.0 (da87c4279b);
 * - the AI families since 3.8.0 (68925ddf1e), provider latency since 3.8.0 (982143769a);
 * - KONG_LATENCY_BUCKETS gained 3000 and 6000 in 3.8.1 / 3.9.0 (d81973d5bb);
 * - Enterprise only, from Kong's docs (kong-log-format.md §5): the AI cache latency histograms, `consumer`
 *   on the AI families (3.11), `request_mode` on them except tokens (3.12), the MCP families (3.12).
 * kongtel follows the newest layout: a label an older Kong lacks is one a dashboard's `sum by` ignores.
 */

/** Kong's bucket bounds, named as in exporter.lua. */
export const KONG_BUCKETS = {
  /** UPSTREAM_LATENCY_BUCKETS: request and upstream latency, stream session duration (ms). */
  upstreamLatency: [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000],
  /** KONG_LATENCY_BUCKETS (ms). */
  kongLatency: [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000],
  /** AI_LLM_PROVIDER_LATENCY_BUCKETS (ms). */
  aiProviderLatency: [250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 4500, 5000, 10000, 30000, 60000],
  /** The Enterprise cache latency histograms (ms), as Kong's docs print them. */
  aiCacheLatency: [1, 2, 5, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 2000],
  /**
   * The MCP histograms' bounds are not published (Enterprise code): latency takes KONG_LATENCY_BUCKETS,
   * the response size kongtel's own size bounds. Say so wherever they are shown.
   */
  mcpLatency: [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000],
  mcpResponseSize: [100, 1000, 10000, 100000, 1000000, 10000000, 100000000],
} as const satisfies Record<string, readonly number[]>;

export interface KongPluginFamily {
  /** The series name as Kong's page prints it (the plugin's `kong_` prefix included). */
  readonly name: string;
  readonly type: 'counter' | 'histogram';
  readonly help: string;
  /** Label names in the order Kong declares them (its pages print them in this order). */
  readonly labels: readonly string[];
  readonly bounds?: readonly number[];
}

const ROUTE = ['service', 'route', 'workspace'] as const;
const AI = ['ai_provider', 'ai_model', 'cache_status', 'vector_db', 'embeddings_provider', 'embeddings_model', 'workspace'] as const;
/** AI labels of the requests, cost and latency families: Kong's seven, then EE's consumer and request_mode. */
const AI_REQUEST = [...AI, 'consumer', 'request_mode'] as const;
const MCP = ['service', 'route', 'method', 'workspace', 'tool_name'] as const;

function counter(name: string, help: string, labels: readonly string[]): KongPluginFamily {
  return { name, type: 'counter', help, labels };
}

function histogram(name: string, help: string, labels: readonly string[], bounds: readonly number[]): KongPluginFamily {
  return { name, type: 'histogram', help, labels, bounds };
}

export const KONG_PLUGIN_FAMILIES = {
  httpRequests: counter('kong_http_requests_total', 'HTTP status codes per consumer/service/route in Kong', [
    'service', 'route', 'code', 'source', 'workspace', 'consumer',
  ]),
  streamSessions: counter('kong_stream_sessions_total', 'Stream status codes per service/route in Kong', [
    'service', 'route', 'code', 'source', 'workspace',
  ]),
  kongLatency: histogram('kong_kong_latency_ms', 'Latency added by Kong and enabled plugins for each service/route in Kong', ROUTE, KONG_BUCKETS.kongLatency),
  upstreamLatency: histogram('kong_upstream_latency_ms', 'Latency added by upstream response for each service/route in Kong', ROUTE, KONG_BUCKETS.upstreamLatency),
  requestLatency: histogram('kong_request_latency_ms', 'Total latency incurred during requests for each service/route in Kong', ROUTE, KONG_BUCKETS.upstreamLatency),
  sessionDuration: histogram('kong_session_duration_ms', 'latency incurred in stream session for each service/route in Kong', ROUTE, KONG_BUCKETS.upstreamLatency),
  bandwidth: counter('kong_bandwidth_bytes', 'Total bandwidth (ingress/egress) throughput in bytes', ['service', 'route', 'direction', 'workspace', 'consumer']),
  aiRequests: counter('kong_ai_llm_requests_total', 'AI requests total per ai_provider in Kong', AI_REQUEST),
  aiCost: counter('kong_ai_llm_cost_total', 'AI requests cost per ai_provider/cache in Kong', AI_REQUEST),
  // Kong's HELP for the tokens family repeats the cost family's text; kept as Kong prints it.
  aiTokens: counter('kong_ai_llm_tokens_total', 'AI requests cost per ai_provider/cache in Kong', [...AI.slice(0, 6), 'token_type', 'workspace', 'consumer']),
  aiProviderLatency: histogram('kong_ai_llm_provider_latency_ms', 'LLM response Latency for each AI plugins per ai_provider in Kong', AI_REQUEST, KONG_BUCKETS.aiProviderLatency),
  aiCacheFetchLatency: histogram('kong_ai_cache_fetch_latency_ms', 'AI cache fetch latencies per ai_provider/database in Kong', AI_REQUEST, KONG_BUCKETS.aiCacheLatency),
  aiCacheEmbeddingsLatency: histogram('kong_ai_cache_embeddings_latency_ms', 'AI cache embeddings latencies per ai_provider/database in Kong', AI_REQUEST, KONG_BUCKETS.aiCacheLatency),
  mcpLatency: histogram('kong_ai_mcp_latency_ms', 'MCP JSON-RPC call latency per service/route/method/tool in Kong', MCP, KONG_BUCKETS.mcpLatency),
  mcpResponseSize: histogram('kong_ai_mcp_response_body_size_bytes', 'MCP JSON-RPC response body size per service/route/method/tool in Kong', MCP, KONG_BUCKETS.mcpResponseSize),
  mcpErrors: counter('kong_ai_mcp_error_total', 'MCP JSON-RPC errors per service/route/method/tool in Kong', [...MCP, 'type']),
} as const satisfies Record<string, KongPluginFamily>;

/** Every request-derived family by name: the prometheus exporter keeps these names as they are. */
export const KONG_PLUGIN_FAMILY_BY_NAME: ReadonlyMap<string, KongPluginFamily> = new Map(
  Object.values(KONG_PLUGIN_FAMILIES).map((f) => [f.name, f]),
);
