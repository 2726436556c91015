import type { Attributes } from '@opentelemetry/api';
import { isObject, type JsonObject } from '../../../core/index.js';
import { KONG_PLUGIN_FAMILIES as F } from '../../../core/kong/plugin_families.js';
import type { AttributeSet, HistogramSlot, SumSlot } from '../attribute_set.js';
import type { AttributeTrie, SetNode } from '../attribute_trie.js';
import { object } from '../entry_shape.js';
import type { PriceTable } from '../pricing.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { EMPTY, nonNegative, positive, rpcError, text } from '../values.js';
import { inputTokens, outputTokens } from './genai.js';
import { familyHistogram, familySum, type KongLabels, label, labels } from './kong_plugin.js';

/**
 * `naming: kong`, AI and MCP: Kong's AI families per AI plugin object, and its MCP families per
 * `ai.mcp.rpc[]` item, recorded as exporter.lua's `log()` does (Kong/kong@22246ef2; the Enterprise
 * additions as kong-log-format.md §5 gives them):
 * - labels `ai_provider` ← `meta.provider_name`, `ai_model` ← `meta.request_model`, the four cache labels
 *   ← `cache.*` as logged (Kong does not lower-case `Hit`), then workspace, consumer and `request_mode`
 *   (tokens have no `request_mode`); a label Kong would print as `""` is left off (kong_plugin.ts);
 * - requests +1 per call; cost, tokens and the latencies only when > 0; tokens from the plural names, with
 *   the fallbacks EE 3.14.0.13 reads (`input_tokens`/`output_tokens`) and 3.7's singular ones, total only
 *   when logged (Kong adds nothing up);
 * - a cost Kong did not log (absent or 0) comes from `pricing` when the model has a price, as for
 *   `kong.gen_ai.llm.cost`: a Kong with no prices configured would have counted nothing.
 * One deviation: Kong's loop counts every member of `ai`, so a top-level `ai.payload` or `ai.mcp` becomes
 * a request with empty provider and model; kongtel counts AI plugin objects only (the caller picks them).
 */

const INSTRUMENTS = {
  aiRequests: familySum(F.aiRequests),
  aiCost: familySum(F.aiCost, true),
  aiTokens: familySum(F.aiTokens),
  aiProviderLatency: familyHistogram(F.aiProviderLatency),
  aiCacheFetchLatency: familyHistogram(F.aiCacheFetchLatency),
  aiCacheEmbeddingsLatency: familyHistogram(F.aiCacheEmbeddingsLatency),
  mcpLatency: familyHistogram(F.mcpLatency),
  mcpResponseSize: familyHistogram(F.mcpResponseSize),
  mcpErrors: familySum(F.mcpErrors),
} as const;

/** Every field read here is read by the OTel sections too (genai, cache, mcp): nothing to add. */
export const KONG_PLUGIN_AI: SectionDeclaration = { attributes: {}, instruments: INSTRUMENTS, fields: object({}) };

const AI_ATTRIBUTES = {
  provider: 'gen_ai.provider.name',
  model: 'gen_ai.request.model',
  cacheStatus: 'kong.gen_ai.cache.status',
  vectorDb: 'kong.gen_ai.vector_db',
  embeddingsProvider: 'kong.gen_ai.embeddings.provider',
  embeddingsModel: 'kong.gen_ai.embeddings.model',
  requestMode: 'kong.gen_ai.request.mode',
  method: 'mcp.method.name',
  tool: 'gen_ai.tool.name',
  errorType: 'error.type',
} as const;

class AiLabels {
  provider = '';
  model = '';
  cacheStatus = '';
  vectorDb = '';
  embeddingsProvider = '';
  embeddingsModel = '';
  requestMode = '';
  tokenType = '';
  method = '';
  tool = '';
  errorType = '';
  constructor(readonly common: KongLabels) {}
}

function aiLabels(l: AiLabels): Attributes {
  return labels({
    ai_provider: l.provider, ai_model: l.model, cache_status: l.cacheStatus, vector_db: l.vectorDb,
    embeddings_provider: l.embeddingsProvider, embeddings_model: l.embeddingsModel,
    workspace: l.common.workspace, consumer: l.common.consumer, request_mode: l.requestMode,
  });
}

function tokenLabels(l: AiLabels): Attributes {
  return labels({
    ai_provider: l.provider, ai_model: l.model, cache_status: l.cacheStatus, vector_db: l.vectorDb,
    embeddings_provider: l.embeddingsProvider, embeddings_model: l.embeddingsModel,
    token_type: l.tokenType, workspace: l.common.workspace, consumer: l.common.consumer,
  });
}

function mcpLabels(l: AiLabels): Attributes {
  const c = l.common;
  return labels({ service: c.service, route: c.route, method: l.method, workspace: c.workspace, tool_name: l.tool });
}

export class KongPluginAi {
  private readonly l: AiLabels;
  private readonly keep: Readonly<Record<keyof typeof AI_ATTRIBUTES, boolean>>;
  private readonly prices: PriceTable;
  private readonly calls: AttributeTrie;
  private readonly tokenSet: AttributeSet;
  private readonly requestSet: AttributeSet;
  private readonly mcpRoutes: AttributeTrie;
  private readonly errorSet: AttributeSet;
  private readonly requests: SumSlot<AiLabels>;
  private readonly cost: SumSlot<AiLabels>;
  private readonly prompt: SumSlot<AiLabels>;
  private readonly completion: SumSlot<AiLabels>;
  private readonly total: SumSlot<AiLabels>;
  private readonly providerLatency: HistogramSlot<AiLabels>;
  private readonly cacheFetch: HistogramSlot<AiLabels>;
  private readonly cacheEmbeddings: HistogramSlot<AiLabels>;
  private readonly mcpLatency: HistogramSlot<AiLabels>;
  private readonly mcpSize: HistogramSlot<AiLabels>;
  private readonly mcpErrors: SumSlot<AiLabels>;

  constructor(
    private readonly rec: Recorder,
    common: KongLabels,
    o: SectionOptions,
  ) {
    const I = INSTRUMENTS;
    const l = (this.l = new AiLabels(common));
    this.keep = kept(AI_ATTRIBUTES, o.excluded);
    this.prices = o.prices;
    // Kong's seven AI labels; × consumer: the tokens; × request_mode: the other AI families.
    this.calls = rec.root(rec.set());
    this.tokenSet = rec.set();
    const requestSet = (this.requestSet = rec.set());
    this.requests = requestSet.sum(rec.sum(I.aiRequests), l, aiLabels);
    this.cost = requestSet.sum(rec.sum(I.aiCost), l, aiLabels);
    this.providerLatency = requestSet.histogram(rec.histogram(I.aiProviderLatency), l, aiLabels);
    this.cacheFetch = requestSet.histogram(rec.histogram(I.aiCacheFetchLatency), l, aiLabels);
    this.cacheEmbeddings = requestSet.histogram(rec.histogram(I.aiCacheEmbeddingsLatency), l, aiLabels);
    const tokens = rec.sum(I.aiTokens);
    this.prompt = this.tokenSet.sum(tokens, l, tokenLabels);
    this.completion = this.tokenSet.sum(tokens, l, tokenLabels);
    this.total = this.tokenSet.sum(tokens, l, tokenLabels);
    const mcpSet = rec.set();
    this.mcpRoutes = rec.root(mcpSet);
    this.mcpLatency = mcpSet.histogram(rec.histogram(I.mcpLatency), l, mcpLabels);
    this.mcpSize = mcpSet.histogram(rec.histogram(I.mcpResponseSize), l, mcpLabels);
    this.errorSet = rec.set();
    this.mcpErrors = this.errorSet.sum(rec.sum(I.mcpErrors), l, (x) => ({ ...mcpLabels(x), ...labels({ type: x.errorType }) }));
  }

  /** One AI plugin object of an entry Kong counts (its common labels already read). */
  call(call: JsonObject): void {
    const l = this.l;
    const keep = this.keep;
    const rec = this.rec;
    const meta = isObject(call.meta) ? call.meta : EMPTY;
    const usage = isObject(call.usage) ? call.usage : EMPTY;
    const cache = isObject(call.cache) ? call.cache : EMPTY;
    l.provider = keep.provider ? label(meta.provider_name) : '';
    l.model = keep.model ? label(meta.request_model) : '';
    l.cacheStatus = keep.cacheStatus ? label(cache.cache_status) : '';
    l.vectorDb = keep.vectorDb ? label(cache.vector_db) : '';
    l.embeddingsProvider = keep.embeddingsProvider ? label(cache.embeddings_provider) : '';
    l.embeddingsModel = keep.embeddingsModel ? label(cache.embeddings_model) : '';
    l.requestMode = keep.requestMode ? label(meta.request_mode) : '';
    const c = l.common;
    const n = this.calls.find7(l.provider, l.model, l.cacheStatus, l.vectorDb, l.embeddingsProvider, l.embeddingsModel, c.workspace);
    const x = rec.below(n, this.tokenSet).find1(c.consumer);
    const callNode = rec.below(x, this.requestSet).find1(l.requestMode);
    rec.add(this.requests, callNode, 1);

    const input = inputTokens(usage);
    const output = outputTokens(usage);
    const total = positive(usage.total_tokens);
    let cost = positive(usage.cost);
    if (cost === undefined && !this.prices.isEmpty) {
      cost = this.prices.cost(text(meta.provider_name), text(meta.response_model), text(meta.request_model), input, output);
    }
    if (cost !== undefined) rec.add(this.cost, callNode, cost);
    const llmMs = positive(meta.llm_latency);
    if (llmMs !== undefined) rec.record(this.providerLatency, callNode, llmMs);
    const fetchMs = positive(cache.fetch_latency);
    if (fetchMs !== undefined) rec.record(this.cacheFetch, callNode, fetchMs);
    const embeddingsMs = positive(cache.embeddings_latency);
    if (embeddingsMs !== undefined) rec.record(this.cacheEmbeddings, callNode, embeddingsMs);
    // The token type tells the three series apart: set before each, read only when a series is new.
    if (input !== undefined) {
      l.tokenType = 'prompt_tokens';
      rec.add(this.prompt, x, input);
    }
    if (output !== undefined) {
      l.tokenType = 'completion_tokens';
      rec.add(this.completion, x, output);
    }
    if (total !== undefined) {
      l.tokenType = 'total_tokens';
      rec.add(this.total, x, total);
    }
  }

  /** `ai.mcp` of an entry Kong counts. */
  mcp(mcp: JsonObject): void {
    const rpcs = mcp.rpc;
    if (!Array.isArray(rpcs)) return;
    const l = this.l;
    const keep = this.keep;
    const rec = this.rec;
    const c = l.common;
    for (const rpc of rpcs as unknown[]) {
      if (!isObject(rpc)) continue;
      l.method = keep.method ? label(rpc.method) : '';
      l.tool = keep.tool ? label(rpc.tool_name) : '';
      const n: SetNode = this.mcpRoutes.find5(c.service, c.route, c.workspace, l.method, l.tool);
      const latencyMs = nonNegative(rpc.latency);
      if (latencyMs !== undefined) rec.record(this.mcpLatency, n, latencyMs);
      const bytes = nonNegative(rpc.response_body_size);
      if (bytes !== undefined) rec.record(this.mcpSize, n, bytes);
      const error = rpcError(rpc.error);
      if (error !== undefined) {
        l.errorType = keep.errorType ? error : '';
        rec.add(this.mcpErrors, rec.below(n, this.errorSet).find1(l.errorType), 1);
      }
    }
  }
}
