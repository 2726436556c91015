import { type Attributes, ValueType } from '@opentelemetry/api';
import { isObject, type JsonObject } from '../../../core/index.js';
import type { AttributeSet, HistogramSlot, SumSlot } from '../attribute_set.js';
import type { SetNode } from '../attribute_trie.js';
import { object, scalar } from '../entry_shape.js';
import { Bounds, histogram, sum } from '../instrument.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { EMPTY, known, positive, put, text } from '../values.js';
import { type GenAiFields, genAiAttributes, inEachCall } from './genai.js';

/**
 * The semantic cache and RAG injection of an AI plugin object, and its cost: the GenAI set × cache
 * status, vector database, embeddings provider and model.
 */

const ATTRIBUTES = {
  cacheStatus: 'kong.gen_ai.cache.status',
  vectorDb: 'kong.gen_ai.vector_db',
  embeddingsProvider: 'kong.gen_ai.embeddings.provider',
  embeddingsModel: 'kong.gen_ai.embeddings.model',
} as const;

const INSTRUMENTS = {
  llmCost: sum('kong.gen_ai.llm.cost', '{cost}', 'Cost of LLM calls in the currency of the configured prices.', ValueType.DOUBLE),
  cacheFetchLatency: histogram('kong.gen_ai.cache.fetch.latency', 's', 'Semantic cache vector database lookup time.', Bounds.latency),
  cacheEmbeddingsLatency: histogram('kong.gen_ai.cache.embeddings.latency', 's', 'Semantic cache embedding generation time.', Bounds.latency),
  ragFetchLatency: histogram('kong.gen_ai.rag.fetch.latency', 's', 'RAG injection vector database fetch time.', Bounds.latency),
  ragEmbeddingsLatency: histogram('kong.gen_ai.rag.embeddings.latency', 's', 'RAG injection embedding generation time.', Bounds.latency),
} as const;

/** `cache.cache_status`, lower-cased (docs: `Hit`, `Miss`, `Bypass`, `Refresh`; EE code adds `failed`). */
export const CACHE_STATUSES: ReadonlySet<string> = new Set(['hit', 'miss', 'bypass', 'refresh', 'failed']);

export const CACHE: SectionDeclaration = {
  attributes: ATTRIBUTES,
  instruments: INSTRUMENTS,
  fields: inEachCall({
    cache: object({ fetch_latency: scalar, embeddings_latency: scalar, cache_status: scalar, vector_db: scalar, embeddings_provider: scalar, embeddings_model: scalar }),
    'rag-inject': object({ fetch_latency: scalar, embeddings_latency: scalar }),
  }),
};

class CacheFields {
  cacheStatus: string | undefined = undefined;
  vectorDb: string | undefined = undefined;
  embeddingsProvider: string | undefined = undefined;
  embeddingsModel: string | undefined = undefined;
  constructor(readonly genai: GenAiFields) {}
}

function cacheAttributes(f: CacheFields): Attributes {
  const a = genAiAttributes(f.genai);
  put(a, ATTRIBUTES.cacheStatus, f.cacheStatus);
  put(a, ATTRIBUTES.vectorDb, f.vectorDb);
  put(a, ATTRIBUTES.embeddingsProvider, f.embeddingsProvider);
  put(a, ATTRIBUTES.embeddingsModel, f.embeddingsModel);
  return a;
}

export class Cache {
  private readonly f: CacheFields;
  private readonly keep: Readonly<Record<keyof typeof ATTRIBUTES, boolean>>;
  private readonly set: AttributeSet;
  private readonly cost: SumSlot<CacheFields>;
  private readonly fetch: HistogramSlot<CacheFields>;
  private readonly embeddings: HistogramSlot<CacheFields>;
  private readonly ragFetch: HistogramSlot<CacheFields>;
  private readonly ragEmbeddings: HistogramSlot<CacheFields>;

  constructor(
    private readonly rec: Recorder,
    genai: GenAiFields,
    o: SectionOptions,
  ) {
    this.f = new CacheFields(genai);
    this.keep = kept(ATTRIBUTES, o.excluded);
    const I = INSTRUMENTS;
    const set = (this.set = rec.set());
    this.cost = set.sum(rec.sum(I.llmCost), this.f, cacheAttributes);
    this.fetch = set.histogram(rec.histogram(I.cacheFetchLatency), this.f, cacheAttributes);
    this.embeddings = set.histogram(rec.histogram(I.cacheEmbeddingsLatency), this.f, cacheAttributes);
    this.ragFetch = set.histogram(rec.histogram(I.ragFetchLatency), this.f, cacheAttributes);
    this.ragEmbeddings = set.histogram(rec.histogram(I.ragEmbeddingsLatency), this.f, cacheAttributes);
  }

  /** The cost, cache and RAG values of AI plugin object `call`, below its GenAI set `g`. */
  record(call: JsonObject, g: SetNode): void {
    const f = this.f;
    const keep = this.keep;
    const rec = this.rec;
    const cost = f.genai.cost;
    const cache = isObject(call.cache) ? call.cache : EMPTY;
    const fetchMs = positive(cache.fetch_latency);
    const embeddingsMs = positive(cache.embeddings_latency);
    const rag = isObject(call['rag-inject']) ? call['rag-inject'] : EMPTY;
    const ragFetchMs = positive(rag.fetch_latency);
    const ragEmbeddingsMs = positive(rag.embeddings_latency);
    if (cost === undefined && fetchMs === undefined && embeddingsMs === undefined && ragFetchMs === undefined && ragEmbeddingsMs === undefined) return;

    f.cacheStatus = keep.cacheStatus ? (known(text(cache.cache_status)?.toLowerCase(), CACHE_STATUSES) ?? '') : undefined;
    f.vectorDb = keep.vectorDb ? text(cache.vector_db) : undefined;
    f.embeddingsProvider = keep.embeddingsProvider ? text(cache.embeddings_provider) : undefined;
    f.embeddingsModel = keep.embeddingsModel ? text(cache.embeddings_model) : undefined;
    const c = rec.below(g, this.set).find4(f.cacheStatus, f.vectorDb, f.embeddingsProvider, f.embeddingsModel);
    if (cost !== undefined) rec.add(this.cost, c, cost);
    if (fetchMs !== undefined) rec.record(this.fetch, c, fetchMs / 1000);
    if (embeddingsMs !== undefined) rec.record(this.embeddings, c, embeddingsMs / 1000);
    if (ragFetchMs !== undefined) rec.record(this.ragFetch, c, ragFetchMs / 1000);
    if (ragEmbeddingsMs !== undefined) rec.record(this.ragEmbeddings, c, ragEmbeddingsMs / 1000);
  }
}
