import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { KongLogEntry } from '../../../../core/index.js';
import { decodeEntries, encodeEntries, LAYOUT_FINGERPRINT } from '../../../../processors/kong_metrics/durable/entry_codec.js';
import { aiCall, aiEntry, plainEntry } from '../entries.js';
import { compact, emitted, KONG_FIXTURES, loadEntries, sortPoints } from '../harness.js';

/**
 * The write-ahead log keeps an encoding of each entry, and replay aggregates what it decodes: that must
 * give exactly what the entry itself gives, for every shape Kong logs. Any field the aggregator starts
 * reading that the encoding drops shows up here as a difference.
 */

const FIXTURES = readdirSync(KONG_FIXTURES).filter((f) => f.endsWith('.json'));

/** What replay aggregates after a round trip through the log. */
function replayed(entries: readonly KongLogEntry[]): KongLogEntry[] {
  const decoded = decodeEntries(encodeEntries(entries));
  if (decoded === undefined) throw new Error('the log record does not decode');
  return decoded;
}

/** Shapes no fixture has: A2A, MCP errors as objects, odd items, every optional AI section. */
const SYNTHETIC: [string, KongLogEntry[]][] = [
  [
    'A2A rpc items, JSON-RPC error objects, non-object items',
    [
      plainEntry({
        ai: {
          a2a: {
            rpc: [
              { method: 'message/send', binding: 'jsonrpc', latency: 12, response_body_size: 300, ttfb_latency: 4, task_state: 'completed' },
              { method: 'tasks/get', binding: 'http', latency: 0, error: { code: -32601, message: 'secret prompt text' } },
              'not an rpc',
              { method: 'x', error: true },
            ],
          },
          mcp: {
            rpc: [{ method: 'tools/call', tool_name: 'search', latency: 3, response_body_size: 10, error: 'Invalid Request' }, null],
            audit: [{ action: 'allow', primitive: 'tool', primitive_name: 'search' }, { action: 'deny', primitive: 'tool', primitive_name: 'rm' }, 7],
          },
        },
      }),
    ],
  ],
  [
    'response source worked out from upstream_status (Kong 3.3–3.5), workspace by id only, consumer by custom_id',
    [
      plainEntry({ source: undefined, upstream_status: '', latencies: { request: 9, kong: 2, proxy: 5 } }),
      plainEntry({ source: undefined, upstream_status: 200 }),
      plainEntry({ source: undefined, upstream_status: '502, 200', workspace_name: undefined, workspace: 'f381e34e-5c25-4e65-b91b-3c0a86cfc393' }),
      plainEntry({ source: undefined, upstream_status: undefined, latencies: { request: 3, kong: 3, proxy: -1 }, consumer: { custom_id: 'crm-7' } }),
    ],
  ],
  [
    'GenAI operation from the request URI (query strings included), and an AI call without a request',
    [
      aiEntry(aiCall(), { request: { method: 'POST', uri: '/v1/embeddings?api-key=secret', size: 10 } }),
      aiEntry(aiCall(), { request: { method: 'POST', uri: '/llm/v1/completions', size: 10 } }),
      aiEntry(aiCall(), { request: { method: 'POST', uri: '/v1/chat/completions?x=1', size: 10 } }),
      aiEntry(aiCall(), { request: undefined }),
    ],
  ],
  [
    'values outside closed sets: status codes that are none, unknown methods, sources, modes',
    [
      aiEntry(aiCall({ meta: { request_mode: 'batch' }, cache: { cache_status: 'warm', fetch_latency: 3 } }), { response: { status: { code: 404 }, size: 1 } }),
      aiEntry(aiCall(), { response: { status: '404', size: 1 }, request: { method: 'PROPFIND', size: 3 }, source: 'exit' }),
      plainEntry({ response: { status: 600, size: 1 }, request: { method: 'get', size: 3 } }),
      plainEntry({ response: { status: null, size: 1 } }),
      plainEntry({ request: { method: 'GET', size: `${'0'.repeat(300)}120` }, response: { status: 200, size: ' 900 ' } }),
      plainEntry({ source: undefined, upstream_status: `${' '.repeat(300)}200` }),
      plainEntry({ source: '', upstream_status: '  ', workspace_name: '', workspace: 'ws-by-id' }),
    ],
  ],
  [
    'AI plugin objects, one under a member named __proto__',
    [
      JSON.parse(
        `{"request":{"method":"POST","uri":"/v1/chat/completions","size":4},"response":{"status":200,"size":5},"latencies":{"request":9},` +
          `"ai":{"__proto__":${JSON.stringify(aiCall())},"proxy":${JSON.stringify(aiCall({ meta: { provider_name: 'anthropic' } }))}}}`,
      ) as KongLogEntry,
    ],
  ],
  [
    'AI calls with cache, RAG and guardrails; priced and unpriced; a Kong 3.6 flat call',
    [
      aiEntry(aiCall({ cache: { cache_status: 'Hit', fetch_latency: 5, embeddings_latency: 7, vector_db: 'redis', embeddings_provider: 'openai', embeddings_model: 'ada' }, extra: { 'rag-inject': { fetch_latency: 3, embeddings_latency: 2 }, 'aws-guardrails': { input_processing_latency: 40, output_processing_latency: 60, guardrails_id: 'g1', guardrails_version: '2', aws_region: 'eu-west-1' } } })),
      aiEntry(aiCall({ usage: { prompt_tokens: 10, completion_tokens: 5, cost: 0 } })),
      plainEntry({ ai: { meta: { provider_name: 'openai', request_model: 'gpt-4o', response_model: 'gpt-4o', llm_latency: 90 }, usage: { prompt_token: 4, completion_token: 2, time_per_token: 3 } } }),
    ],
  ],
];

describe('write-ahead log entry encoding', () => {
  for (const file of FIXTURES) {
    it(`${file}: aggregating the decoded record equals aggregating the entries`, async () => {
      const entries = loadEntries(file);
      for (const config of [{}, { token_usage_as: 'histogram', pricing: { 'openai/gpt-4o': { input_per_million: 2.5, output_per_million: 10 } } }]) {
        const direct = sortPoints(compact(await emitted(entries, config)));
        const fromLog = sortPoints(compact(await emitted(replayed(entries), config)));
        expect(fromLog).toEqual(direct);
      }
    });
  }

  for (const [name, entries] of SYNTHETIC) {
    it(`${name}: the decoded record aggregates the same`, async () => {
      const direct = sortPoints(compact(await emitted(entries)));
      expect(Object.keys(direct).length).toBeGreaterThan(3);
      expect(sortPoints(compact(await emitted(replayed(entries))))).toEqual(direct);
    });
  }

  it('keeps no payloads, headers, client addresses or error messages, and a fraction of the bytes', () => {
    const entries = FIXTURES.flatMap(loadEntries).concat(SYNTHETIC.flatMap(([, e]) => e));
    const logged = encodeEntries(entries);
    for (const word of ['headers', 'client_ip', 'payload', 'secret prompt text', 'querystring', 'tries', 'authenticated_entity', '/v1/chat/completions', 'User-Agent', 'api-key']) {
      expect(logged).not.toContain(word);
    }
    expect(logged.length).toBeLessThan(JSON.stringify(entries).length / 5);
  });

  it('keeps an RPC error string only as long as the attribute it becomes', () => {
    const error = 'e'.repeat(100_000);
    const entries = [plainEntry({ ai: { mcp: { rpc: [{ method: 'tools/call', latency: 1, error }] }, a2a: { rpc: [{ method: 'tasks/get', error }] } } })];
    expect(encodeEntries(entries).length).toBeLessThan(2_000);
  });

  it('a record written with another layout (another kongtel version) is not replayed into the wrong fields', () => {
    const [fingerprint, ...stored] = JSON.parse(encodeEntries([plainEntry()])) as unknown[];
    expect(decodeEntries(JSON.stringify([fingerprint, ...stored]))).toHaveLength(1);
    expect(decodeEntries(JSON.stringify([Number(fingerprint) + 1, ...stored]))).toBeUndefined();
    // Version 1 stored bare 9-slot tuples, one per entry.
    expect(decodeEntries(JSON.stringify([['orders', 'orders-route', 'default', null, ['GET', 120, null], [200, 900], [40, 2, 35], 'upstream', null]]))).toBeUndefined();
  });

  it('hostile values: no throw, and the record stays small', () => {
    const deep = JSON.parse(`{"service":{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}},"request":{"method":"GET","size":1},"response":{"status":200}}`) as KongLogEntry;
    const huge = 'x'.repeat(1_000_000);
    const wide = plainEntry({ ai: { mcp: { rpc: Array.from({ length: 10_000 }, () => 'not an rpc'), audit: Array.from({ length: 10_000 }, () => ({})) } } });
    const named = plainEntry({ service: { name: huge }, upstream_status: huge, source: huge, request: { method: huge, size: `${'0'.repeat(1_000)}7` } });
    expect(encodeEntries([deep, named]).length).toBeLessThan(2_000);
    // Items that are no objects are dropped; empty ones stay (an audit item without an action counts nothing, but an empty RPC is one).
    expect(encodeEntries([wide]).length).toBeLessThan(JSON.stringify(wide).length / 2);
    expect(decodeEntries(encodeEntries([deep, wide, named]))).toHaveLength(3);
  });

  it('a record that is not an encoded batch decodes to undefined', () => {
    for (const text of ['', '{}', '[]', '[1,2]', '[[1,2,3]]', '[["a"]]', `[${LAYOUT_FINGERPRINT},7]`]) expect(decodeEntries(text)).toBeUndefined();
    expect(decodeEntries(`[${LAYOUT_FINGERPRINT}]`)).toEqual([]);
  });
});