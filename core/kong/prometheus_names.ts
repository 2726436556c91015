/**
 * Kong's Prometheus-plugin families and the OTel instruments they correspond to (metric-mapping.md, last
 * table; kong-log-format.md §5). One table serves both directions, so they cannot drift apart:
 * - the prometheus exporter's `naming: kong` (OTel instrument → Kong family), so Kong's own Grafana
 *   dashboards work unchanged;
 * - kong_metrics' scrape mapping (Kong family → OTel instrument), so a scraped Kong `/metrics` gives the
 *   same instruments as Kong's logs.
 *
 * Kong's series carry fewer labels than the OTel streams (no method on `kong_http_requests_total`, no
 * consumer on latencies), so several streams feed one Kong series and their values are added up.
 * Labels Kong always prints are printed here too, `""` when the attribute is absent, as Kong does.
 */

import { KONG_PLUGIN_FAMILIES as F, type KongPluginFamily } from './plugin_families.js';

export interface KongLabelRule {
  readonly label: string;
  /** Attribute keys read in order; the first one present gives the value. */
  readonly from?: readonly string[];
  /** Value translations (OTel word → Kong word); other values pass as they are. */
  readonly values?: Readonly<Record<string, string>>;
  /** A constant value instead of an attribute (bandwidth direction of the size histograms). */
  readonly fixed?: string;
  /** Label values that mean "absent" in Kong's output; the scrape mapping drops the attribute then. */
  readonly keepEmpty?: boolean;
}

export interface KongFamilyRule {
  /** The OTel instrument name this rule applies to. */
  readonly instrument: string;
  readonly family: string;
  /**
   * counter: fed by monotonic sums (their value) or by histograms (their sum: bytes of the size
   * histograms, tokens when token usage is recorded as a histogram). histogram: fed by histograms.
   */
  readonly type: 'counter' | 'histogram' | 'gauge';
  /** The OTel instrument's unit. */
  readonly unit: string;
  readonly help: string;
  readonly labels: readonly KongLabelRule[];
  /** Kong's latency histograms are in milliseconds: bounds and sum of a histogram in `s` are × 1000. */
  readonly milliseconds?: boolean;
  /**
   * Every bucket bound Kong's plugin has for the family (kong-log-format.md §5). Before EE 3.14.0.9 Kong
   * printed only the buckets at or above the first value it observed; the scrape mapping fills the missing
   * lower ones with 0, so the layout does not change when they appear (which cumulativetodelta would
   * take for a reset).
   */
  readonly bounds?: readonly number[];
  /**
   * Whether a scraped Kong family maps back to this instrument. False where the Kong family is fed by an
   * instrument of another shape (bandwidth from the size histograms' sums): scraping gives `kong.bandwidth`.
   */
  readonly scraped?: boolean;
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
  { label: 'cache_status', from: ['kong.gen_ai.cache.status'], keepEmpty: true },
  { label: 'vector_db', from: ['kong.gen_ai.vector_db'] },
  { label: 'embeddings_provider', from: ['kong.gen_ai.embeddings.provider'] },
  { label: 'embeddings_model', from: ['kong.gen_ai.embeddings.model'] },
  WORKSPACE,
  // Enterprise 3.11+ and 3.12+ (plugin_families.ts).
  CONSUMER,
  { label: 'request_mode', from: ['kong.gen_ai.request.mode'] },
];

const LATENCY_LABELS: readonly KongLabelRule[] = [SERVICE, ROUTE, WORKSPACE];

/** Name, HELP and bounds come from Kong's own declaration of the family. */
function kong(f: KongPluginFamily): Pick<KongFamilyRule, 'family' | 'type' | 'help' | 'bounds'> {
  return { family: f.name, type: f.type, help: f.help, bounds: f.bounds };
}

function bandwidth(instrument: string, direction: KongLabelRule, scraped: boolean): KongFamilyRule {
  return { instrument, ...kong(F.bandwidth), unit: 'By', scraped, labels: [SERVICE, ROUTE, direction, WORKSPACE, CONSUMER] };
}

const MCP_LABELS: readonly KongLabelRule[] = [
  SERVICE,
  ROUTE,
  { label: 'method', from: ['mcp.method.name'] },
  WORKSPACE,
  { label: 'tool_name', from: ['gen_ai.tool.name'] },
];

export const KONG_FAMILY_RULES: readonly KongFamilyRule[] = [
  {
    instrument: 'http.server.request.count',
    ...kong(F.httpRequests),
    unit: '{request}',
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
  { instrument: 'kong.latency.total', ...kong(F.requestLatency), unit: 's', labels: LATENCY_LABELS, milliseconds: true },
  { instrument: 'kong.latency.internal', ...kong(F.kongLatency), unit: 's', labels: LATENCY_LABELS, milliseconds: true },
  { instrument: 'kong.latency.upstream', ...kong(F.upstreamLatency), unit: 's', labels: LATENCY_LABELS, milliseconds: true },
  bandwidth('http.server.request.size', { label: 'direction', fixed: 'ingress' }, false),
  bandwidth('http.server.response.size', { label: 'direction', fixed: 'egress' }, false),
  // The scrape mapping's own twin of kong_bandwidth_bytes; semconv says receive/transmit.
  bandwidth('kong.bandwidth', {
    label: 'direction',
    from: ['network.io.direction'],
    values: { receive: 'ingress', transmit: 'egress' },
  }, true),
  { instrument: 'kong.gen_ai.request.count', ...kong(F.aiRequests), unit: '{request}', labels: AI_LABELS },
  {
    instrument: 'gen_ai.client.token.usage',
    ...kong(F.aiTokens),
    unit: '{token}',
    labels: [
      ...AI_LABELS.slice(0, 6),
      {
        label: 'token_type',
        from: ['gen_ai.token.type'],
        values: { input: 'prompt_tokens', output: 'completion_tokens', total: 'total_tokens' },
      },
      WORKSPACE,
      CONSUMER,
    ],
  },
  { instrument: 'kong.gen_ai.llm.cost', ...kong(F.aiCost), unit: '{cost}', labels: AI_LABELS },
  { instrument: 'gen_ai.server.request.duration', ...kong(F.aiProviderLatency), unit: 's', labels: AI_LABELS, milliseconds: true },
  { instrument: 'kong.gen_ai.cache.fetch.latency', ...kong(F.aiCacheFetchLatency), unit: 's', labels: AI_LABELS, milliseconds: true },
  { instrument: 'kong.gen_ai.cache.embeddings.latency', ...kong(F.aiCacheEmbeddingsLatency), unit: 's', labels: AI_LABELS, milliseconds: true },
  { instrument: 'mcp.server.operation.duration', ...kong(F.mcpLatency), unit: 's', labels: MCP_LABELS, milliseconds: true },
  { instrument: 'kong.gen_ai.mcp.response.size', ...kong(F.mcpResponseSize), unit: 'By', labels: MCP_LABELS },
  {
    instrument: 'kong.gen_ai.mcp.request.error.count',
    ...kong(F.mcpErrors),
    unit: '{error}',
    labels: [...MCP_LABELS, { label: 'type', from: ['error.type'] }],
  },
];

const SUBSYSTEM: KongLabelRule = { label: 'subsystem', from: ['kong.subsystem'] };
const KONG_SUBSYSTEM: KongLabelRule = { label: 'kong_subsystem', from: ['kong.subsystem'] };

/** Kong's node gauges (not log-derived: they come only from a scrape, or from Kong's OTel plugin). */
const NODE_GAUGES: readonly KongFamilyRule[] = [
  {
    instrument: 'kong.nginx.connection.count',
    family: 'kong_nginx_connections_total',
    type: 'gauge',
    unit: '{connection}',
    help: 'Number of connections by subsystem',
    labels: [SUBSYSTEM, { label: 'state', from: ['kong.connection.state'] }],
  },
  {
    instrument: 'kong.nginx.timer.count',
    family: 'kong_nginx_timers',
    type: 'gauge',
    unit: '{timer}',
    help: 'Number of nginx timers',
    labels: [{ label: 'state', from: ['kong.timer.state'] }],
  },
  {
    instrument: 'kong.shared_dict.usage',
    family: 'kong_memory_lua_shared_dict_bytes',
    type: 'gauge',
    unit: 'By',
    help: 'Allocated slabs in bytes in a shared_dict',
    labels: [{ label: 'shared_dict', from: ['kong.shared_dict.name'] }, KONG_SUBSYSTEM],
  },
  {
    instrument: 'kong.shared_dict.size',
    family: 'kong_memory_lua_shared_dict_total_bytes',
    type: 'gauge',
    unit: 'By',
    help: 'Total capacity in bytes of a shared_dict',
    labels: [{ label: 'shared_dict', from: ['kong.shared_dict.name'] }, KONG_SUBSYSTEM],
  },
  {
    instrument: 'kong.memory.workers.lua_vm',
    family: 'kong_memory_workers_lua_vms_bytes',
    type: 'gauge',
    unit: 'By',
    help: 'Allocated bytes in worker Lua VM',
    labels: [{ label: 'pid', from: ['process.pid'] }, KONG_SUBSYSTEM],
  },
  {
    instrument: 'kong.db.connection.status',
    family: 'kong_datastore_reachable',
    type: 'gauge',
    unit: '1',
    help: 'Datastore reachable from Kong, 0 is unreachable',
    labels: [],
  },
  {
    instrument: 'kong.upstream.target.status',
    family: 'kong_upstream_target_health',
    type: 'gauge',
    unit: '1',
    help: 'Health status of targets of upstream. States = healthchecks_off|healthy|unhealthy|dns_error',
    labels: [
      { label: 'upstream', from: ['kong.upstream.name'] },
      { label: 'target', from: ['kong.upstream.target.name'] },
      { label: 'address', from: ['kong.upstream.target.address'] },
      { label: 'state', from: ['kong.upstream.target.state'] },
      SUBSYSTEM,
    ],
  },
  {
    instrument: 'kong.db.entity.count',
    family: 'kong_db_entities_total',
    type: 'gauge',
    unit: '{entity}',
    help: 'Total number of Kong db entities',
    labels: [],
  },
  {
    instrument: 'kong.db.entity.error.count',
    family: 'kong_db_entity_count_errors',
    type: 'gauge',
    unit: '{error}',
    help: 'Errors during entity count collection',
    labels: [],
  },
];

export const KONG_NODE_GAUGE_RULES = NODE_GAUGES;

export const KONG_RULE_BY_INSTRUMENT: ReadonlyMap<string, KongFamilyRule> = new Map(
  [...KONG_FAMILY_RULES, ...NODE_GAUGES].map((r) => [r.instrument, r]),
);

/** Scraped family name → the rule that turns it back into an OTel instrument. */
export const KONG_RULE_BY_FAMILY: ReadonlyMap<string, KongFamilyRule> = new Map(
  [...KONG_FAMILY_RULES, ...NODE_GAUGES].filter((r) => r.scraped !== false).map((r) => [r.family, r]),
);

/** The OTel instruments that have a Kong family: what kong_metrics' `naming: kong` records Kong's families for instead. */
export const KONG_TWIN_INSTRUMENTS: ReadonlySet<string> = new Set(KONG_FAMILY_RULES.map((r) => r.instrument));
