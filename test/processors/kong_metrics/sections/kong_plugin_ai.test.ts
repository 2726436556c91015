import { describe, expect, it } from 'vitest';
import { KONG_PLUGIN_AI } from '../../../../processors/kong_metrics/sections/kong_plugin_ai.js';
import { aiCall, aiEntry, plainEntry } from '../entries.js';
import { goldenCases, sectionOutput } from './section_golden.js';

const KONG = { naming: 'kong' };

/** `naming: kong`: Kong's AI and MCP families per AI plugin object and per MCP RPC. */
describe('kong_metrics section: kong_plugin_ai (naming: kong)', () => {
  goldenCases(
    KONG_PLUGIN_AI,
    new URL('kong_plugin_ai.golden.json', import.meta.url),
    [
      {
        name: 'a cache hit as logged (Hit), a streamed call of a consumer, a call with no cost logged but priced',
        entries: [
          aiEntry(aiCall({ cache: { cache_status: 'Hit', fetch_latency: 5, embeddings_latency: 7, vector_db: 'redis', embeddings_provider: 'openai', embeddings_model: 'ada' } })),
          aiEntry(aiCall({ meta: { request_mode: 'stream' } }), { consumer: { username: 'alice' } }),
          aiEntry(aiCall({ meta: { response_model: 'gpt-4o' }, usage: { prompt_tokens: 1_000, completion_tokens: 500, total_tokens: 1_500, cost: 0 } })),
        ],
        config: { ...KONG, pricing: { 'openai/gpt-4o': { input_per_million: 2.5, output_per_million: 10 } } },
      },
      {
        name: 'MCP RPCs: latency, response size, errors by type',
        entries: [
          plainEntry({
            ai: {
              mcp: {
                rpc: [
                  { method: 'tools/call', tool_name: 'weather', latency: 12, response_body_size: 2048 },
                  { method: 'tools/call', tool_name: 'weather', latency: 3, response_body_size: 80, error: 'Invalid Request' },
                ],
              },
            },
          }),
        ],
        config: KONG,
      },
    ],
    KONG,
  );

  it('tokens, cost and latencies only when > 0; no total added up; the request counted still', async () => {
    const entry = aiEntry(aiCall({ meta: { llm_latency: 0 }, usage: { prompt_tokens: 7, completion_tokens: 0, total_tokens: undefined, cost: 0 } }));
    const out = await sectionOutput(KONG_PLUGIN_AI, [entry], KONG);
    expect(Object.keys(out).sort()).toEqual(['kong_ai_llm_requests_total', 'kong_ai_llm_tokens_total']);
    expect(out.kong_ai_llm_tokens_total.points.map((p) => [p.attributes.token_type, p.value])).toEqual([['prompt_tokens', 7]]);
  });

  it('AI plugin objects of an entry without a route are not counted', async () => {
    expect(await sectionOutput(KONG_PLUGIN_AI, [aiEntry(aiCall(), { route: undefined })], KONG)).toEqual({});
  });
});
