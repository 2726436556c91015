import { describe } from 'vitest';
import { CACHE } from '../../../../processors/kong_metrics/sections/cache.js';
import { aiCall, aiEntry } from '../entries.js';
import { goldenCases } from './section_golden.js';

/** Cost, semantic cache and RAG injection of each AI plugin object. */
describe('kong_metrics section: cache', () => {
  goldenCases(CACHE, new URL('cache.golden.json', import.meta.url), [
    {
      name: 'a cache hit, a RAG injection, a logged cost and a priced one',
      entries: [
        aiEntry(aiCall({ cache: { cache_status: 'Hit', fetch_latency: 5, embeddings_latency: 7, vector_db: 'redis', embeddings_provider: 'openai', embeddings_model: 'ada' } })),
        aiEntry(aiCall({ extra: { 'rag-inject': { fetch_latency: 30, embeddings_latency: 12 } } })),
        aiEntry(aiCall({ meta: { response_model: 'gpt-4o' }, usage: { prompt_tokens: 1_000, completion_tokens: 500, cost: 0 } })),
      ],
      config: { pricing: { 'openai/gpt-4o': { input_per_million: 2.5, output_per_million: 10 } } },
    },
  ]);
});
