/**
 * Kong's Prometheus-plugin families and the OTel instruments they come from (metric-mapping.md, last
 * table; kong-log-format.md §5), for `naming: kong`, so Kong's own Grafana dashboards work unchanged.
 * It is the inverse of the scrape mapping (Kong series → OTel instruments): keep the two in step.
 *
 * Kong's series carry fewer labels than the OTel streams (no method on `kong_http_requests_total`, no
 * consumer on latencies), so several streams feed one Kong series and their values are added up.
 * Labels Kong always prints are printed here too, `""` when the attribute is absent, as Kong does.
 */

export interface KongLabelRule {
  readonly label: string;
  /** Attribute keys read in order; the first one present gives the value. */
  readonly from?: readonly string[];
  /** Value translations (OTel word → Kong word); other values pass as they are. */
  readonly values?: Readonly<Record<string, string>>;
  /** A constant value instead of an attribute (bandwidth direction of the size histograms). */
  readonly fixed?: string;
}

export interface KongFamilyRule {
  /** The OTel instrument name this rule applies to. */
  readonly instrument: string;
  readonly family: string;
  /**
   * counter: fed by monotonic sums (their value) or by histograms (their sum: bytes of the size
   * histograms, tokens when token usage is recorded as a histogram). histogram: fed by histograms.
   */
  readonly type: 'counter' | 'histogram';
  readonly help: string;
  readonly labels: readonly KongLabelRule[];
  /** Kong's latency histograms are in milliseconds: bounds and sum of a histogram in `s` are × 1000. */
  readonly milliseconds?: boolean;
}

const SERVICE: KongLabelRule = { label: 'service', from: ['kong.service.name'] };
const ROUTE: KongLabelRule = { label: 'route', from: ['kong.route.name'] };
const WORKSPACE: KongLabelRule = { label: 'workspace', from: ['kong.workspace.name'] };
const CONSUMER: KongLabelRule = { label: 'consumer', from: ['kong.auth.consumer.name'] };

/** Kong's AI label set (`kong_ai_llm_requests_total` and the families "as requests"). */
const AI_LABELS: readonly KongLabelRule[] = [
  { label: 'ai_provider', from: ['gen_ai.provider.name'] },
  // Kong labels the requested model, not the response model.
  { label: 'ai_model', from: ['gen_ai.request.model'] },
  { label: 'cache_status', from: ['kong.gen_ai.cache.status'] },
  { label: 'vector_db', from: ['kong.gen_ai.vector_db'] },
  { label: 'embeddings_provider', from: ['kong.gen_ai.embeddings.provider'] },
  { label: 'embeddings_model', from: ['kong.gen_ai.embeddings.model'] },
  WORKSPACE,
];

const LATENCY_LABELS: readonly KongLabelRule[] = [SERVICE, ROUTE, WORKSPACE];

function bandwidth(instrument: string, direction: KongLabelRule): KongFamilyRule {
  return {
    instrument,
    family: 'kong_bandwidth_bytes',
    type: 'counter',
    help: 'Total bandwidth (ingress/egress) throughput in bytes',
    labels: [SERVICE, ROUTE, direction, WORKSPACE, CONSUMER],
  };
}

export const KONG_FAMILY_RULES: readonly KongFamilyRule[] = [
  {
    instrument: 'http.server.request.count',
    family: 'kong_http_requests_total',
    type: 'counter',
    help: 'HTTP status codes per Consumer/Service/Route in Kong Gateway',
    labels: [
      SERVICE,
      ROUTE,
      // Kong 3.13.0.1+ renamed the attribute to http.response.status_code.
      { label: 'code', from: ['kong.response.status_code', 'http.response.status_code'] },
      // Kong's plugin says `service` where the OTel attribute says `upstream`.
      { label: 'source', from: ['kong.response.source'], values: { upstream: 'service' } },
      WORKSPACE,
      CONSUMER,
    ],
  },
  {
    instrument: 'kong.latency.total',
    family: 'kong_request_latency_ms',
    type: 'histogram',
    help: 'Total latency incurred during requests for each Service/Route in Kong Gateway',
    labels: LATENCY_LABELS,
    milliseconds: true,
  },
  {
    instrument: 'kong.latency.internal',
    family: 'kong_kong_latency_ms',
    type: 'histogram',
    help: 'Latency added by Kong Gateway and enabled plugins for each Service/Route in Kong Gateway',
    labels: LATENCY_LABELS,
    milliseconds: true,
  },
  {
    instrument: 'kong.latency.upstream',
    family: 'kong_upstream_latency_ms',
    type: 'histogram',
    help: 'Latency added by upstream response for each Service/Route in Kong Gateway',
    labels: LATENCY_LABELS,
    milliseconds: true,
  },
  bandwidth('http.server.request.size', { label: 'direction', fixed: 'ingress' }),
  bandwidth('http.server.response.size', { label: 'direction', fixed: 'egress' }),
  // The scrape mapping's own twin of kong_bandwidth_bytes; semconv says receive/transmit.
  bandwidth('kong.bandwidth', {
    label: 'direction',
    from: ['network.io.direction'],
    values: { receive: 'ingress', transmit: 'egress' },
  }),
  {
    instrument: 'kong.gen_ai.request.count',
    family: 'kong_ai_llm_requests_total',
    type: 'counter',
    help: 'AI requests total per ai_provider in Kong',
    labels: AI_LABELS,
  },
  {
    instrument: 'gen_ai.client.token.usage',
    family: 'kong_ai_llm_tokens_total',
    type: 'counter',
    help: 'AI tokens total per ai_provider/cache in Kong',
    labels: [
      ...AI_LABELS.slice(0, 6),
      {
        label: 'token_type',
        from: ['gen_ai.token.type'],
        values: { input: 'prompt_tokens', output: 'completion_tokens', total: 'total_tokens' },
      },
      WORKSPACE,
    ],
  },
  {
    instrument: 'kong.gen_ai.llm.cost',
    family: 'kong_ai_llm_cost_total',
    type: 'counter',
    help: 'AI requests cost per ai_provider/cache in Kong',
    labels: AI_LABELS,
  },
  {
    instrument: 'gen_ai.server.request.duration',
    family: 'kong_ai_llm_provider_latency_ms',
    type: 'histogram',
    help: 'AI latencies per ai_provider in Kong',
    labels: AI_LABELS,
    milliseconds: true,
  },
  {
    instrument: 'kong.gen_ai.cache.fetch.latency',
    family: 'kong_ai_cache_fetch_latency_ms',
    type: 'histogram',
    help: 'AI cache fetch latencies per ai_provider/database in Kong',
    labels: AI_LABELS,
    milliseconds: true,
  },
  {
    instrument: 'kong.gen_ai.cache.embeddings.latency',
    family: 'kong_ai_cache_embeddings_latency_ms',
    type: 'histogram',
    help: 'AI cache embeddings latencies per ai_provider/database in Kong',
    labels: AI_LABELS,
    milliseconds: true,
  },
];

export const KONG_RULE_BY_INSTRUMENT: ReadonlyMap<string, KongFamilyRule> = new Map(
  KONG_FAMILY_RULES.map((r) => [r.instrument, r]),
);
