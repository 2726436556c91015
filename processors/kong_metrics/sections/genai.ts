import type { Attributes } from '@opentelemetry/api';
import { isObject, type JsonObject } from '../../../core/index.js';
import type { AttributeSet, HistogramSlot, SumSlot } from '../attribute_set.js';
import type { AttributeTrie, SetNode } from '../attribute_trie.js';
import { type FieldShape, mergeShapes, object, type ObjectShape, reduced, scalar } from '../entry_shape.js';
import { Bounds, histogram, sum } from '../instrument.js';
import type { PriceTable } from '../pricing.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { EMPTY, known, positive, put, text } from '../values.js';
import type { Common, CommonFields } from './common.js';
import type { HttpFields } from './http.js';

/**
 * Each AI plugin object (`ai.proxy`, `ai["ai-proxy"]`, a transformer's key, or Kong 3.6's flat `ai`): token
 * usage, the GenAI durations and time per token; its price goes on to the cache set (cache.ts).
 */

const ATTRIBUTES = {
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  operationName: 'gen_ai.operation.name',
  requestMode: 'kong.gen_ai.request.mode',
  tokenType: 'gen_ai.token.type',
} as const;

const INSTRUMENTS = {
  // Kong's kong_ai_llm_requests_total: one per AI plugin object, cache hits included.
  requestCount: sum('kong.gen_ai.request.count', '{request}', 'LLM requests made by AI plugins, one per AI plugin object.'),
  tokenUsage: sum('gen_ai.client.token.usage', '{token}', 'Tokens used by LLM calls, by token type.'),
  tokenUsageHistogram: histogram('gen_ai.client.token.usage', '{token}', 'Tokens per LLM call, by token type.', Bounds.tokens),
  operationDuration: histogram('gen_ai.client.operation.duration', 's', 'Duration of the request that made the GenAI call, as Kong saw it.', Bounds.genAiDuration),
  serverRequestDuration: histogram('gen_ai.server.request.duration', 's', 'Time the LLM provider took to answer (Kong llm_latency).', Bounds.genAiDuration),
  timeToFirstToken: histogram('gen_ai.server.time_to_first_token', 's', 'Time to the first output token.', Bounds.genAiDuration),
  timePerOutputToken: histogram('gen_ai.server.time_per_output_token', 's', "Kong's llm_latency divided by output tokens (first token included).", Bounds.timePerToken),
} as const;

// Token counts of a call's `usage`: plural names (3.6, 3.8+), non-text modalities (3.11+), singular names (3.7).
export function inputTokens(usage: JsonObject): number | undefined {
  return positive(usage.prompt_tokens) ?? positive(usage.input_tokens) ?? positive(usage.prompt_token);
}

export function outputTokens(usage: JsonObject): number | undefined {
  return positive(usage.completion_tokens) ?? positive(usage.output_tokens) ?? positive(usage.completion_token);
}

/** `gen_ai.client.token.usage`'s name, whichever form `token_usage_as` gives it. */
export const TOKEN_USAGE_NAME = INSTRUMENTS.tokenUsage.name;

/** Members of `ai` that are not per-call objects even if they ever held `meta` or `usage`. */
export const NOT_CALLS: ReadonlySet<string> = new Set(['payload', 'mcp', 'a2a', 'compressor', 'sanitizer', 'audit']);

/** An AI plugin object: any object holding `meta` or `usage`. */
export function isCallObject(o: JsonObject): boolean {
  return isObject(o.meta) || isObject(o.usage);
}

function isCall(v: unknown): boolean {
  return isObject(v) && isCallObject(v);
}

/** The fields of `ai` read from each AI plugin object (here and by the cache and guardrails sections). */
export function inEachCall(fields: Readonly<Record<string, FieldShape>>): ObjectShape {
  return object({ ai: object({}, { call: object(fields), isCall, notCalls: NOT_CALLS }) });
}

/** Kong's canonical URIs for each operation, which the write-ahead log stores instead of the URI. */
const OPERATION_URI: Readonly<Record<string, string>> = { embeddings: '/embeddings', text_completion: '/completions', chat: '/chat' };

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

function storedOperation(uri: unknown): string | null {
  return typeof uri === 'string' ? operationName(uri) : null;
}

/** `meta.request_mode` (kong-log-format.md §4, 3.12 EE). */
export const REQUEST_MODES: ReadonlySet<string> = new Set(['oneshot', 'stream', 'realtime']);

export const GENAI: SectionDeclaration = {
  attributes: ATTRIBUTES,
  required: [ATTRIBUTES.tokenType],
  instruments: INSTRUMENTS,
  fields: mergeShapes([
    // The URI, query string and all, is read for nothing but the operation.
    object({ request: object({ uri: reduced('operation', storedOperation, (s) => (typeof s === 'string' ? OPERATION_URI[s] : undefined)) }) }),
    inEachCall({
      meta: object({ provider_name: scalar, request_model: scalar, response_model: scalar, llm_latency: scalar, request_mode: scalar }),
      usage: object({
        prompt_tokens: scalar,
        input_tokens: scalar,
        prompt_token: scalar,
        completion_tokens: scalar,
        output_tokens: scalar,
        completion_token: scalar,
        total_tokens: scalar,
        time_to_first_token: scalar,
        time_per_token: scalar,
        cost: scalar,
      }),
    }),
  ]),
};

export class GenAiFields {
  provider: string | undefined = undefined;
  requestModel: string | undefined = undefined;
  responseModel: string | undefined = undefined;
  operation: string | undefined = undefined;
  mode: string | undefined = undefined;
  tokenType: string | undefined = undefined;
  /** The call's cost (`usage.cost`, else priced), recorded with the cache set. */
  cost: number | undefined = undefined;
  constructor(
    readonly common: CommonFields,
    readonly http: HttpFields,
  ) {}
}

/** provider, request/response model, operation, request mode, workspace, consumer. */
export function genAiAttributes(f: GenAiFields): Attributes {
  const a: Attributes = {};
  put(a, ATTRIBUTES.providerName, f.provider);
  put(a, ATTRIBUTES.requestModel, f.requestModel);
  put(a, ATTRIBUTES.responseModel, f.responseModel);
  put(a, ATTRIBUTES.operationName, f.operation);
  put(a, ATTRIBUTES.requestMode, f.mode);
  put(a, 'kong.workspace.name', f.common.workspace);
  put(a, 'kong.auth.consumer.name', f.common.consumer);
  return a;
}

function tokenAttributes(f: GenAiFields): Attributes {
  const a = genAiAttributes(f);
  put(a, ATTRIBUTES.tokenType, f.tokenType);
  return a;
}

/** GenAI attributes + `error.type` (status code ≥ 400). */
function errorAttributes(f: GenAiFields): Attributes {
  const a = genAiAttributes(f);
  put(a, 'error.type', f.http.httpError);
  return a;
}

/** Input, output and total tokens as a sum (Kong's form), or input and output per call (the semantic conventions'). */
type TokenSlots =
  | { readonly kind: 'sum'; readonly input: SumSlot<GenAiFields>; readonly output: SumSlot<GenAiFields>; readonly total: SumSlot<GenAiFields> }
  | { readonly kind: 'histogram'; readonly input: HistogramSlot<GenAiFields>; readonly output: HistogramSlot<GenAiFields> };

export class GenAi {
  readonly f: GenAiFields;
  private readonly keep: Readonly<Record<keyof typeof ATTRIBUTES, boolean>>;
  private readonly prices: PriceTable;
  private readonly calls: AttributeTrie;
  private readonly errorSet: AttributeSet;
  private readonly tokens: TokenSlots;
  private readonly requests: SumSlot<GenAiFields>;
  private readonly firstToken: HistogramSlot<GenAiFields>;
  private readonly perToken: HistogramSlot<GenAiFields>;
  private readonly operationDuration: HistogramSlot<GenAiFields>;
  private readonly serverDuration: HistogramSlot<GenAiFields>;

  constructor(
    private readonly rec: Recorder,
    common: Common,
    http: HttpFields,
    o: SectionOptions,
  ) {
    this.f = new GenAiFields(common.f, http);
    this.keep = kept(ATTRIBUTES, o.excluded);
    this.prices = o.prices;
    const I = INSTRUMENTS;
    const set = rec.set();
    this.calls = rec.root(set);
    this.requests = set.sum(rec.sum(I.requestCount), this.f, genAiAttributes);
    if (o.tokenUsageAs === 'histogram') {
      const m = rec.histogram(I.tokenUsageHistogram);
      this.tokens = { kind: 'histogram', input: set.histogram(m, this.f, tokenAttributes), output: set.histogram(m, this.f, tokenAttributes) };
    } else {
      const m = rec.sum(I.tokenUsage);
      const t = (): SumSlot<GenAiFields> => set.sum(m, this.f, tokenAttributes);
      this.tokens = { kind: 'sum', input: t(), output: t(), total: t() };
    }
    this.errorSet = rec.set();
    this.operationDuration = this.errorSet.histogram(rec.histogram(I.operationDuration), this.f, errorAttributes);
    this.serverDuration = this.errorSet.histogram(rec.histogram(I.serverRequestDuration), this.f, errorAttributes);
    this.firstToken = set.histogram(rec.histogram(I.timeToFirstToken), this.f, genAiAttributes);
    this.perToken = set.histogram(rec.histogram(I.timePerOutputToken), this.f, genAiAttributes);
  }

  /** The operation of every call of an entry, from its request. */
  read(request: JsonObject | undefined): void {
    this.f.operation = this.keep.operationName ? operationName(request?.uri) : undefined;
  }

  /** One AI plugin object; its GenAI set, for the sets below it. */
  record(call: JsonObject): SetNode {
    const f = this.f;
    const keep = this.keep;
    const rec = this.rec;
    const meta = isObject(call.meta) ? call.meta : EMPTY;
    const usage = isObject(call.usage) ? call.usage : EMPTY;
    const provider = text(meta.provider_name);
    const requestModel = text(meta.request_model);
    const responseModel = text(meta.response_model);
    const input = inputTokens(usage);
    const output = outputTokens(usage);
    const total = positive(usage.total_tokens) ?? (input === undefined ? output : output === undefined ? input : input + output);
    const llmMs = positive(meta.llm_latency);
    const firstTokenMs = positive(usage.time_to_first_token);
    const perTokenMs = positive(usage.time_per_token);
    f.cost = positive(usage.cost);
    if (f.cost === undefined && !this.prices.isEmpty) f.cost = this.prices.cost(provider, responseModel, requestModel, input, output);

    f.provider = keep.providerName ? provider : undefined;
    f.requestModel = keep.requestModel ? requestModel : undefined;
    f.responseModel = keep.responseModel ? responseModel : undefined;
    f.mode = keep.requestMode ? (known(meta.request_mode, REQUEST_MODES) ?? 'oneshot') : undefined;
    const common = f.common;
    const g = this.calls.find7(f.provider, f.requestModel, f.responseModel, f.operation, f.mode, common.workspace, common.consumer);
    rec.add(this.requests, g, 1);

    const t = this.tokens;
    // The token type tells the series apart: set before each, read only if the series is new.
    if (t.kind === 'sum') {
      if (input !== undefined) {
        f.tokenType = 'input';
        rec.add(t.input, g, input);
      }
      if (output !== undefined) {
        f.tokenType = 'output';
        rec.add(t.output, g, output);
      }
      if (total !== undefined) {
        f.tokenType = 'total';
        rec.add(t.total, g, total);
      }
    } else {
      if (input !== undefined) {
        f.tokenType = 'input';
        rec.record(t.input, g, input);
      }
      if (output !== undefined) {
        f.tokenType = 'output';
        rec.record(t.output, g, output);
      }
    }
    if (firstTokenMs !== undefined) rec.record(this.firstToken, g, firstTokenMs / 1000);
    if (perTokenMs !== undefined) rec.record(this.perToken, g, perTokenMs / 1000);

    const totalMs = f.http.totalMs;
    if (totalMs !== undefined || llmMs !== undefined) {
      const x = rec.below(g, this.errorSet).find1(f.http.httpError);
      if (totalMs !== undefined) rec.record(this.operationDuration, x, totalMs / 1000);
      if (llmMs !== undefined) rec.record(this.serverDuration, x, llmMs / 1000);
    }
    return g;
  }
}
