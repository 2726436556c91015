import { describe } from 'vitest';
import { GENAI } from '../../../../processors/kong_metrics/sections/genai.js';
import { aiCall, aiEntry, plainEntry } from '../entries.js';
import { goldenCases } from './section_golden.js';

/** Each AI plugin object: token usage, the GenAI durations, time to first token and per output token. */
const ENTRIES = [
  aiEntry(aiCall({ usage: { time_to_first_token: 250 }, meta: { request_mode: 'stream' } }), { consumer: { username: 'alice' } }),
  aiEntry(aiCall({ meta: { provider_name: 'anthropic', request_model: 'claude', response_model: 'claude-3' }, usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: undefined } }), {
    request: { method: 'POST', uri: '/v1/embeddings?k=1', size: 20 },
    response: { status: 429, size: 10 },
  }),
  // Kong 3.6: `ai` is the call; singular token names (3.7).
  plainEntry({ ai: { meta: { provider_name: 'openai', request_model: 'gpt-4o', response_model: 'gpt-4o', llm_latency: 90 }, usage: { prompt_token: 4, completion_token: 2 } } }),
];

describe('kong_metrics section: genai', () => {
  goldenCases(GENAI, new URL('genai.golden.json', import.meta.url), [
    { name: 'token usage as a sum (Kong form); durations with error.type', entries: ENTRIES },
    { name: 'token usage as the semantic conventions histogram', entries: ENTRIES, config: { token_usage_as: 'histogram' } },
  ]);
});
