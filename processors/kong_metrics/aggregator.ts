import { isObject, type JsonObject, type KongLogEntry } from '../../core/index.js';
import {
  A2aNode,
  CacheNode,
  ConsumerNode,
  GenAiErrorNode,
  GenAiNode,
  GuardrailsNode,
  McpAuditNode,
  McpRpcNode,
  RequestNode,
  RouteNode,
  SumNode,
} from './attribute-nodes.js';
import {
  a2aAttributes,
  a2aErrorAttributes,
  a2aTaskStateAttributes,
  cacheAttributes,
  consumerAttributes,
  genAiAttributes,
  genAiErrorAttributes,
  guardrailsAttributes,
  mcpAuditAttributes,
  mcpRpcAttributes,
  requestAttributes,
  routeAttributes,
  tokenAttributes,
} from './attribute-sets.js';
import { AttributeTrie, SetBudget, SetTotal } from './attribute-trie.js';
import type { KeptAttributes } from './attributes.js';
import {
  consumerName,
  EntryFields,
  nonNegative,
  operationName,
  positive,
  responseSource,
  rpcError,
  size,
  INVALID_STATUS,
  statusCode,
  text,
} from './fields.js';
import {
  A2A_BINDINGS,
  A2A_METHODS,
  A2A_TASK_STATES,
  CACHE_STATUSES,
  known,
  MCP_PRIMITIVES,
  OTHER,
  REQUEST_MODES,
} from './known-values.js';
import { type HistogramInstrument, Instruments, type SumInstrument } from './instruments.js';
import { type AnyMetric, HistogramMetric, SeriesBudget, SumMetric } from './metric-store.js';
import type { PriceTable } from './pricing.js';
import type { HistogramSeries, SumSeries } from './series.js';

const EMPTY: JsonObject = Object.freeze({});

/** `error.type` strings of the usual status codes, made once rather than per entry. */
const STATUS_TEXT: readonly string[] = Array.from({ length: 600 }, (_, i) => String(i));

/** `error.type` of a status that is an error: the code as a string, `_OTHER` for one that is no status code. */
function statusText(status: number): string {
  return status === INVALID_STATUS ? OTHER : STATUS_TEXT[status];
}

/** Told each time a point lands in a metric's overflow series. */
export type OverflowListener = (metricName: string) => void;

export interface AggregatorOptions {
  readonly kept: KeptAttributes;
  /** `http.request.method` values kept as they are; any other method is `_OTHER`. */
  readonly knownMethods: ReadonlySet<string>;
  readonly prices: PriceTable;
  readonly tokenUsageAs: 'sum' | 'histogram';
  /** Bucket overrides by histogram name. */
  readonly buckets: Readonly<Record<string, readonly number[]>>;
  readonly maxSeriesPerMetric: number;
  readonly maxSeries: number;
  readonly onOverflow: OverflowListener;
}

/**
 * How many attribute sets are tracked, relative to the series limits (per kind to `max_series_per_metric`,
 * in all to `max_series`): a memory guard for cardinality explosions, set above the series limits so that
 * those are what users meet.
 */
const SETS_PER_SERIES_LIMIT = 2;

/** Members of `ai` that are not per-call objects even if they ever held `meta` or `usage`. */
const NOT_CALLS: ReadonlySet<string> = new Set(['payload', 'mcp', 'a2a', 'compressor', 'sanitizer', 'audit']);

const newRoute = (): RouteNode => new RouteNode(false);
const newConsumer = (): ConsumerNode => new ConsumerNode(false);
const newRequest = (): RequestNode => new RequestNode(false);
const newMcpRpc = (): McpRpcNode => new McpRpcNode(false);
const newMcpAudit = (): McpAuditNode => new McpAuditNode(false);
const newA2a = (): A2aNode => new A2aNode(false);
const newSum = (): SumNode => new SumNode(false);
const newGenAi = (): GenAiNode => new GenAiNode(false);
const newGenAiError = (): GenAiErrorNode => new GenAiErrorNode(false);
const newCache = (): CacheNode => new CacheNode(false);
const newGuardrails = (): GuardrailsNode => new GuardrailsNode(false);

/**
 * Turns Kong log entries into series values (metric-mapping.md). Per entry: read each field once into
 * `EntryFields`, find each attribute set's node once (shared by every instrument of that set), add to
 * plain numbers. No SDK instruments: their per-call attribute hashing costs more than this whole path.
 */
export class KongEntryAggregator {
  /** Every metric, in emission order. */
  readonly metrics: AnyMetric[] = [];
  /** Series of every metric together, against `max_series`. */
  readonly seriesBudget: SeriesBudget;

  private readonly requestCount: SumMetric;
  private readonly latencyTotal: HistogramMetric;
  private readonly latencyInternal: HistogramMetric;
  private readonly latencyUpstream: HistogramMetric;
  private readonly requestSize: HistogramMetric;
  private readonly responseSize: HistogramMetric;
  private readonly tokenSum: SumMetric | undefined;
  private readonly tokenHistogram: HistogramMetric | undefined;
  private readonly operationDuration: HistogramMetric;
  private readonly serverRequestDuration: HistogramMetric;
  private readonly timeToFirstToken: HistogramMetric;
  private readonly timePerOutputToken: HistogramMetric;
  private readonly llmCost: SumMetric;
  private readonly cacheFetchLatency: HistogramMetric;
  private readonly cacheEmbeddingsLatency: HistogramMetric;
  private readonly ragFetchLatency: HistogramMetric;
  private readonly ragEmbeddingsLatency: HistogramMetric;
  private readonly guardrailsLatency: HistogramMetric;
  private readonly mcpOperationDuration: HistogramMetric;
  private readonly mcpResponseSize: HistogramMetric;
  private readonly mcpErrorCount: SumMetric;
  private readonly mcpAclAllowed: SumMetric;
  private readonly mcpAclDenied: SumMetric;
  private readonly a2aRequestCount: SumMetric;
  private readonly a2aRequestDuration: HistogramMetric;
  private readonly a2aResponseSize: HistogramMetric;
  private readonly a2aTtfb: HistogramMetric;
  private readonly a2aErrorCount: SumMetric;
  private readonly a2aTaskStateCount: SumMetric;

  // One budget per kind of attribute set; the tries below the root ones live in their parent nodes.
  private readonly routeSets: SetBudget<RouteNode>;
  private readonly consumerSets: SetBudget<ConsumerNode>;
  private readonly requestSets: SetBudget<RequestNode>;
  private readonly mcpRpcSets: SetBudget<McpRpcNode>;
  private readonly mcpAuditSets: SetBudget<McpAuditNode>;
  private readonly a2aSets: SetBudget<A2aNode>;
  private readonly a2aErrorSets: SetBudget<SumNode>;
  private readonly a2aStateSets: SetBudget<SumNode>;
  private readonly genAiSets: SetBudget<GenAiNode>;
  private readonly genAiErrorSets: SetBudget<GenAiErrorNode>;
  private readonly cacheSets: SetBudget<CacheNode>;
  private readonly guardrailsSets: SetBudget<GuardrailsNode>;
  private readonly routes: AttributeTrie<RouteNode>;
  private readonly genAis: AttributeTrie<GenAiNode>;
  private readonly guardrailSets: AttributeTrie<GuardrailsNode>;

  private readonly f = new EntryFields();
  private readonly kept: KeptAttributes;
  private readonly knownMethods: ReadonlySet<string>;
  private readonly prices: PriceTable;
  private readonly onOverflow: OverflowListener;
  /** Clock reading of the batch being aggregated: the start time of series created by it. */
  private now = 0;

  constructor(private readonly opts: AggregatorOptions) {
    this.kept = opts.kept;
    this.knownMethods = opts.knownMethods;
    this.prices = opts.prices;
    this.onOverflow = opts.onOverflow;
    this.seriesBudget = new SeriesBudget(opts.maxSeries);

    const I = Instruments;
    this.requestCount = this.sumMetric(I.requestCount);
    this.latencyTotal = this.histogramMetric(I.latencyTotal);
    this.latencyInternal = this.histogramMetric(I.latencyInternal);
    this.latencyUpstream = this.histogramMetric(I.latencyUpstream);
    this.requestSize = this.histogramMetric(I.requestSize);
    this.responseSize = this.histogramMetric(I.responseSize);
    if (opts.tokenUsageAs === 'histogram') this.tokenHistogram = this.histogramMetric(I.tokenUsageHistogram);
    else this.tokenSum = this.sumMetric(I.tokenUsage);
    this.operationDuration = this.histogramMetric(I.operationDuration);
    this.serverRequestDuration = this.histogramMetric(I.serverRequestDuration);
    this.timeToFirstToken = this.histogramMetric(I.timeToFirstToken);
    this.timePerOutputToken = this.histogramMetric(I.timePerOutputToken);
    this.llmCost = this.sumMetric(I.llmCost);
    this.cacheFetchLatency = this.histogramMetric(I.cacheFetchLatency);
    this.cacheEmbeddingsLatency = this.histogramMetric(I.cacheEmbeddingsLatency);
    this.ragFetchLatency = this.histogramMetric(I.ragFetchLatency);
    this.ragEmbeddingsLatency = this.histogramMetric(I.ragEmbeddingsLatency);
    this.guardrailsLatency = this.histogramMetric(I.guardrailsLatency);
    this.mcpOperationDuration = this.histogramMetric(I.mcpOperationDuration);
    this.mcpResponseSize = this.histogramMetric(I.mcpResponseSize);
    this.mcpErrorCount = this.sumMetric(I.mcpErrorCount);
    this.mcpAclAllowed = this.sumMetric(I.mcpAclAllowed);
    this.mcpAclDenied = this.sumMetric(I.mcpAclDenied);
    this.a2aRequestCount = this.sumMetric(I.a2aRequestCount);
    this.a2aRequestDuration = this.histogramMetric(I.a2aRequestDuration);
    this.a2aResponseSize = this.histogramMetric(I.a2aResponseSize);
    this.a2aTtfb = this.histogramMetric(I.a2aTtfb);
    this.a2aErrorCount = this.sumMetric(I.a2aErrorCount);
    this.a2aTaskStateCount = this.sumMetric(I.a2aTaskStateCount);

    const cap = SETS_PER_SERIES_LIMIT * opts.maxSeriesPerMetric;
    const sets = new SetTotal(SETS_PER_SERIES_LIMIT * opts.maxSeries);
    this.routeSets = new SetBudget(cap, new RouteNode(true), sets);
    this.consumerSets = new SetBudget(cap, new ConsumerNode(true), sets);
    this.requestSets = new SetBudget(cap, new RequestNode(true), sets);
    this.mcpRpcSets = new SetBudget(cap, new McpRpcNode(true), sets);
    this.mcpAuditSets = new SetBudget(cap, new McpAuditNode(true), sets);
    this.a2aSets = new SetBudget(cap, new A2aNode(true), sets);
    this.a2aErrorSets = new SetBudget(cap, new SumNode(true), sets);
    this.a2aStateSets = new SetBudget(cap, new SumNode(true), sets);
    this.genAiSets = new SetBudget(cap, new GenAiNode(true), sets);
    this.genAiErrorSets = new SetBudget(cap, new GenAiErrorNode(true), sets);
    this.cacheSets = new SetBudget(cap, new CacheNode(true), sets);
    this.guardrailsSets = new SetBudget(cap, new GuardrailsNode(true), sets);
    this.routes = new AttributeTrie(this.routeSets, newRoute);
    this.genAis = new AttributeTrie(this.genAiSets, newGenAi);
    this.guardrailSets = new AttributeTrie(this.guardrailsSets, newGuardrails);
  }

  /**
   * Aggregates a batch; `now` (epoch ms) becomes the start time of series it creates. Returns the
   * indexes of entries that could not be read (none expected: every field is type-checked).
   */
  aggregate(entries: readonly KongLogEntry[], now: number): number[] {
    this.now = now;
    let failed: number[] | undefined;
    for (let i = 0; i < entries.length; i++) {
      try {
        this.entry(entries[i]);
      } catch {
        (failed ??= []).push(i);
      }
    }
    return failed ?? [];
  }

  private entry(e: KongLogEntry): void {
    const f = this.f;
    const kept = this.kept;
    const now = this.now;

    // Fields, each read once.
    const service = e.service;
    const route = e.route;
    const request = isObject(e.request) ? e.request : undefined;
    const response = isObject(e.response) ? e.response : undefined;
    const latencies = isObject(e.latencies) ? e.latencies : EMPTY;
    const isHttp = request !== undefined || response !== undefined;
    const totalMs = nonNegative(latencies.request);
    const internalMs = nonNegative(latencies.kong);
    const upstreamMs = nonNegative(latencies.proxy);
    const requestBytes = request !== undefined ? size(request.size) : undefined;
    const responseBytes = response !== undefined ? size(response.size) : undefined;
    const status = response !== undefined ? statusCode(response.status) : undefined;

    f.service = kept.serviceName && isObject(service) ? text(service.name) : undefined;
    f.route = kept.routeName && isObject(route) ? text(route.name) : undefined;
    f.workspace = kept.workspaceName ? (text(e.workspace_name) ?? text(e.workspace)) : undefined;
    f.consumer = kept.consumerName ? consumerName(e.consumer) : undefined;
    f.method = kept.requestMethod && request !== undefined ? known(request.method, this.knownMethods) : undefined;
    f.status = kept.statusCode && status !== INVALID_STATUS ? status : undefined;
    f.source = kept.responseSource && isHttp ? responseSource(e.source, e.upstream_status, upstreamMs) : undefined;
    f.httpError =
      kept.errorType && status !== undefined && (status >= 400 || status === INVALID_STATUS) ? statusText(status) : undefined;

    // Attribute sets, then their series.
    const r = this.routes.find3(f.service, f.route, f.workspace);
    if (totalMs !== undefined) {
      const m = this.latencyTotal;
      this.record(m, (r.latencyTotal ??= m.create(r.overflow, routeAttributes, f, now)), totalMs / 1000);
    }
    if (internalMs !== undefined) {
      const m = this.latencyInternal;
      this.record(m, (r.latencyInternal ??= m.create(r.overflow, routeAttributes, f, now)), internalMs / 1000);
    }
    if (upstreamMs !== undefined) {
      const m = this.latencyUpstream;
      this.record(m, (r.latencyUpstream ??= m.create(r.overflow, routeAttributes, f, now)), upstreamMs / 1000);
    }
    if (isHttp) {
      const c = (r.consumers ??= new AttributeTrie(this.consumerSets, newConsumer, r.overflow)).find1(f.consumer);
      if (requestBytes !== undefined) {
        const m = this.requestSize;
        this.record(m, (c.requestSize ??= m.create(c.overflow, consumerAttributes, f, now)), requestBytes);
      }
      if (responseBytes !== undefined) {
        const m = this.responseSize;
        this.record(m, (c.responseSize ??= m.create(c.overflow, consumerAttributes, f, now)), responseBytes);
      }
      const q = (c.requests ??= new AttributeTrie(this.requestSets, newRequest, c.overflow)).find3(
        f.source,
        f.method,
        f.status,
      );
      this.add(this.requestCount, (q.count ??= this.requestCount.create(q.overflow, requestAttributes, f, now)), 1);
    }

    const ai = e.ai;
    if (isObject(ai)) this.ai(ai, request, totalMs, r);
  }

  private ai(ai: JsonObject, request: JsonObject | undefined, totalMs: number | undefined, r: RouteNode): void {
    this.f.operation = this.kept.operationName ? operationName(request?.uri) : undefined;
    if (isObject(ai.meta) || isObject(ai.usage)) {
      // Kong 3.6: `ai` itself is the one call object.
      this.aiCall(ai, totalMs);
    } else {
      for (const name in ai) {
        if (NOT_CALLS.has(name)) continue;
        const call = ai[name];
        if (isObject(call) && (isObject(call.meta) || isObject(call.usage))) this.aiCall(call, totalMs);
      }
    }
    if (isObject(ai.mcp)) this.mcp(ai.mcp, r);
    if (isObject(ai.a2a)) this.a2a(ai.a2a, r);
  }

  /** One AI plugin object (`ai.proxy`, `ai["ai-proxy"]`, a transformer's key, or the 3.6 flat `ai`). */
  private aiCall(call: JsonObject, totalMs: number | undefined): void {
    const f = this.f;
    const kept = this.kept;
    const now = this.now;

    const meta = isObject(call.meta) ? call.meta : EMPTY;
    const usage = isObject(call.usage) ? call.usage : EMPTY;
    const cache = isObject(call.cache) ? call.cache : EMPTY;
    const provider = text(meta.provider_name);
    const requestModel = text(meta.request_model);
    const responseModel = text(meta.response_model);
    // Plural names (3.6, 3.8+), non-text modalities (3.11+), singular names (3.7).
    const input = positive(usage.prompt_tokens) ?? positive(usage.input_tokens) ?? positive(usage.prompt_token);
    const output = positive(usage.completion_tokens) ?? positive(usage.output_tokens) ?? positive(usage.completion_token);
    const total =
      positive(usage.total_tokens) ?? (input === undefined ? output : output === undefined ? input : input + output);
    const llmMs = positive(meta.llm_latency);
    const firstTokenMs = positive(usage.time_to_first_token);
    const perTokenMs = positive(usage.time_per_token);
    let cost = positive(usage.cost);
    if (cost === undefined && !this.prices.isEmpty) {
      cost = this.prices.cost(provider, responseModel, requestModel, input, output);
    }
    const fetchMs = positive(cache.fetch_latency);
    const embeddingsMs = positive(cache.embeddings_latency);
    const rag = isObject(call['rag-inject']) ? call['rag-inject'] : undefined;
    const ragFetchMs = rag !== undefined ? positive(rag.fetch_latency) : undefined;
    const ragEmbeddingsMs = rag !== undefined ? positive(rag.embeddings_latency) : undefined;
    const guardrails = call['aws-guardrails'];

    f.provider = kept.providerName ? provider : undefined;
    f.requestModel = kept.requestModel ? requestModel : undefined;
    f.responseModel = kept.responseModel ? responseModel : undefined;
    f.mode = kept.requestMode ? (known(meta.request_mode, REQUEST_MODES) ?? 'oneshot') : undefined;

    const g = this.genAis.find7(f.provider, f.requestModel, f.responseModel, f.operation, f.mode, f.workspace, f.consumer);
    if (this.tokenSum !== undefined) {
      const m = this.tokenSum;
      if (input !== undefined) {
        f.tokenType = 'input';
        this.add(m, (g.tokenInput ??= m.create(g.overflow, tokenAttributes, f, now)), input);
      }
      if (output !== undefined) {
        f.tokenType = 'output';
        this.add(m, (g.tokenOutput ??= m.create(g.overflow, tokenAttributes, f, now)), output);
      }
      if (total !== undefined) {
        f.tokenType = 'total';
        this.add(m, (g.tokenTotal ??= m.create(g.overflow, tokenAttributes, f, now)), total);
      }
    } else if (this.tokenHistogram !== undefined) {
      const m = this.tokenHistogram;
      if (input !== undefined) {
        f.tokenType = 'input';
        this.record(m, (g.tokenInputHistogram ??= m.create(g.overflow, tokenAttributes, f, now)), input);
      }
      if (output !== undefined) {
        f.tokenType = 'output';
        this.record(m, (g.tokenOutputHistogram ??= m.create(g.overflow, tokenAttributes, f, now)), output);
      }
    }
    if (firstTokenMs !== undefined) {
      const m = this.timeToFirstToken;
      this.record(m, (g.timeToFirstToken ??= m.create(g.overflow, genAiAttributes, f, now)), firstTokenMs / 1000);
    }
    if (perTokenMs !== undefined) {
      const m = this.timePerOutputToken;
      this.record(m, (g.timePerOutputToken ??= m.create(g.overflow, genAiAttributes, f, now)), perTokenMs / 1000);
    }

    if (totalMs !== undefined || llmMs !== undefined) {
      const x = (g.errors ??= new AttributeTrie(this.genAiErrorSets, newGenAiError, g.overflow)).find1(f.httpError);
      if (totalMs !== undefined) {
        const m = this.operationDuration;
        this.record(m, (x.operationDuration ??= m.create(x.overflow, genAiErrorAttributes, f, now)), totalMs / 1000);
      }
      if (llmMs !== undefined) {
        const m = this.serverRequestDuration;
        this.record(m, (x.serverRequestDuration ??= m.create(x.overflow, genAiErrorAttributes, f, now)), llmMs / 1000);
      }
    }

    const cached = fetchMs !== undefined || embeddingsMs !== undefined;
    if (cost !== undefined || cached || ragFetchMs !== undefined || ragEmbeddingsMs !== undefined) {
      f.cacheStatus = kept.cacheStatus ? (known(text(cache.cache_status)?.toLowerCase(), CACHE_STATUSES) ?? '') : undefined;
      f.vectorDb = kept.vectorDb ? text(cache.vector_db) : undefined;
      f.embeddingsProvider = kept.embeddingsProvider ? text(cache.embeddings_provider) : undefined;
      f.embeddingsModel = kept.embeddingsModel ? text(cache.embeddings_model) : undefined;
      const c = (g.caches ??= new AttributeTrie(this.cacheSets, newCache, g.overflow)).find4(
        f.cacheStatus,
        f.vectorDb,
        f.embeddingsProvider,
        f.embeddingsModel,
      );
      if (cost !== undefined) {
        this.add(this.llmCost, (c.cost ??= this.llmCost.create(c.overflow, cacheAttributes, f, now)), cost);
      }
      if (fetchMs !== undefined) {
        const m = this.cacheFetchLatency;
        this.record(m, (c.fetchLatency ??= m.create(c.overflow, cacheAttributes, f, now)), fetchMs / 1000);
      }
      if (embeddingsMs !== undefined) {
        const m = this.cacheEmbeddingsLatency;
        this.record(m, (c.embeddingsLatency ??= m.create(c.overflow, cacheAttributes, f, now)), embeddingsMs / 1000);
      }
      if (ragFetchMs !== undefined) {
        const m = this.ragFetchLatency;
        this.record(m, (c.ragFetchLatency ??= m.create(c.overflow, cacheAttributes, f, now)), ragFetchMs / 1000);
      }
      if (ragEmbeddingsMs !== undefined) {
        const m = this.ragEmbeddingsLatency;
        this.record(m, (c.ragEmbeddingsLatency ??= m.create(c.overflow, cacheAttributes, f, now)), ragEmbeddingsMs / 1000);
      }
    }

    if (isObject(guardrails)) this.guardrails(guardrails);
  }

  private guardrails(g: JsonObject): void {
    const f = this.f;
    const inputMs = positive(g.input_processing_latency);
    const outputMs = positive(g.output_processing_latency);
    if (inputMs === undefined && outputMs === undefined) return;
    f.guardrailsId = this.kept.guardrailsId ? text(g.guardrails_id) : undefined;
    f.guardrailsVersion = this.kept.guardrailsVersion ? text(g.guardrails_version) : undefined;
    f.guardrailsRegion = this.kept.guardrailsRegion ? text(g.aws_region) : undefined;
    const n = this.guardrailSets.find5(f.guardrailsId, f.guardrailsVersion, f.guardrailsRegion, f.workspace, f.consumer);
    const m = this.guardrailsLatency;
    if (inputMs !== undefined) {
      f.guardrailsMode = 'input';
      this.record(m, (n.input ??= m.create(n.overflow, guardrailsAttributes, f, this.now)), inputMs / 1000);
    }
    if (outputMs !== undefined) {
      f.guardrailsMode = 'output';
      this.record(m, (n.output ??= m.create(n.overflow, guardrailsAttributes, f, this.now)), outputMs / 1000);
    }
  }

  /** `ai.mcp`: one set of RPC instruments per `rpc[]` item, one ACL count per `audit[]` item. */
  private mcp(mcp: JsonObject, r: RouteNode): void {
    const f = this.f;
    const kept = this.kept;
    const now = this.now;
    const rpcs = mcp.rpc;
    if (Array.isArray(rpcs)) {
      for (const rpc of rpcs as unknown[]) {
        if (!isObject(rpc)) continue;
        const latencyMs = nonNegative(rpc.latency);
        const responseBytes = nonNegative(rpc.response_body_size);
        const error = rpcError(rpc.error);
        f.rpcMethod = kept.mcpMethodName ? text(rpc.method) : undefined;
        f.toolName = kept.toolName ? text(rpc.tool_name) : undefined;
        f.rpcError = kept.errorType ? error : undefined;
        const n = (r.mcpRpcs ??= new AttributeTrie(this.mcpRpcSets, newMcpRpc, r.overflow)).find3(
          f.rpcMethod,
          f.toolName,
          f.rpcError,
        );
        if (latencyMs !== undefined) {
          const m = this.mcpOperationDuration;
          this.record(m, (n.duration ??= m.create(n.overflow, mcpRpcAttributes, f, now)), latencyMs / 1000);
        }
        if (responseBytes !== undefined) {
          const m = this.mcpResponseSize;
          this.record(m, (n.responseSize ??= m.create(n.overflow, mcpRpcAttributes, f, now)), responseBytes);
        }
        if (error !== undefined) {
          const m = this.mcpErrorCount;
          this.add(m, (n.errors ??= m.create(n.overflow, mcpRpcAttributes, f, now)), 1);
        }
      }
    }
    const auditItems = mcp.audit;
    if (Array.isArray(auditItems)) {
      for (const audit of auditItems as unknown[]) {
        if (!isObject(audit)) continue;
        const action = audit.action;
        if (action !== 'allow' && action !== 'deny') continue;
        f.primitive = kept.mcpPrimitive ? known(audit.primitive, MCP_PRIMITIVES) : undefined;
        f.primitiveName = kept.mcpPrimitiveName ? text(audit.primitive_name) : undefined;
        const audits = (r.mcpAudits ??= new AttributeTrie(this.mcpAuditSets, newMcpAudit, r.overflow));
        const n = audits.find2(f.primitive, f.primitiveName);
        if (action === 'allow') {
          this.add(this.mcpAclAllowed, (n.allowed ??= this.mcpAclAllowed.create(n.overflow, mcpAuditAttributes, f, now)), 1);
        } else {
          this.add(this.mcpAclDenied, (n.denied ??= this.mcpAclDenied.create(n.overflow, mcpAuditAttributes, f, now)), 1);
        }
      }
    }
  }

  /** `ai.a2a.rpc[]` (Kong 3.14): no public sample exists; fields as documented in kong-log-format.md §4.3. */
  private a2a(a2a: JsonObject, r: RouteNode): void {
    const f = this.f;
    const kept = this.kept;
    const now = this.now;
    const rpcs = a2a.rpc;
    if (!Array.isArray(rpcs)) return;
    for (const rpc of rpcs as unknown[]) {
      if (!isObject(rpc)) continue;
      const latencyMs = nonNegative(rpc.latency);
      const responseBytes = nonNegative(rpc.response_body_size);
      const ttfbMs = positive(rpc.ttfb_latency);
      const error = rpcError(rpc.error);
      const taskState = known(rpc.task_state, A2A_TASK_STATES);
      f.rpcMethod = kept.a2aMethod ? known(rpc.method, A2A_METHODS) : undefined;
      f.binding = kept.a2aBinding ? known(rpc.binding, A2A_BINDINGS) : undefined;
      const n = (r.a2aRpcs ??= new AttributeTrie(this.a2aSets, newA2a, r.overflow)).find2(f.rpcMethod, f.binding);
      this.add(this.a2aRequestCount, (n.count ??= this.a2aRequestCount.create(n.overflow, a2aAttributes, f, now)), 1);
      if (latencyMs !== undefined) {
        const m = this.a2aRequestDuration;
        this.record(m, (n.duration ??= m.create(n.overflow, a2aAttributes, f, now)), latencyMs / 1000);
      }
      if (responseBytes !== undefined) {
        const m = this.a2aResponseSize;
        this.record(m, (n.responseSize ??= m.create(n.overflow, a2aAttributes, f, now)), responseBytes);
      }
      if (ttfbMs !== undefined) {
        const m = this.a2aTtfb;
        this.record(m, (n.ttfb ??= m.create(n.overflow, a2aAttributes, f, now)), ttfbMs / 1000);
      }
      if (error !== undefined) {
        f.rpcError = kept.a2aErrorType ? error : undefined;
        const x = (n.errors ??= new AttributeTrie(this.a2aErrorSets, newSum, n.overflow)).find1(f.rpcError);
        this.add(this.a2aErrorCount, (x.sum ??= this.a2aErrorCount.create(x.overflow, a2aErrorAttributes, f, now)), 1);
      }
      if (taskState !== undefined) {
        f.taskState = kept.a2aTaskState ? taskState : undefined;
        const x = (n.taskStates ??= new AttributeTrie(this.a2aStateSets, newSum, n.overflow)).find1(f.taskState);
        const m = this.a2aTaskStateCount;
        this.add(m, (x.sum ??= m.create(x.overflow, a2aTaskStateAttributes, f, now)), 1);
      }
    }
  }

  private add(m: SumMetric, s: SumSeries, v: number): void {
    s.value += v;
    if (s.overflow) this.onOverflow(m.name);
  }

  private record(m: HistogramMetric, s: HistogramSeries, v: number): void {
    s.record(v, m.bounds);
    if (s.overflow) this.onOverflow(m.name);
  }

  private sumMetric(instrument: SumInstrument): SumMetric {
    const m = new SumMetric(instrument, this.opts.maxSeriesPerMetric, this.seriesBudget);
    this.metrics.push(m);
    return m;
  }

  private histogramMetric(instrument: HistogramInstrument): HistogramMetric {
    const bounds = this.opts.buckets[instrument.name] ?? instrument.bounds;
    const m = new HistogramMetric(instrument, bounds, this.opts.maxSeriesPerMetric, this.seriesBudget);
    this.metrics.push(m);
    return m;
  }
}
