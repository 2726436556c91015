import type { Attributes } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { KongLogEntry } from '../../../core/index.js';
import { aiCall, aiEntry, plainEntry, withField } from './entries.js';
import { emitted, histogramPoints, sumPoints, total } from './harness.js';

/** The mapping rules of metric-mapping.md and kong-log-format.md §7, one table per rule. */

async function histogram(entry: KongLogEntry, metric: string, config: Record<string, unknown> = {}) {
  const points = histogramPoints((await emitted([entry], config)).get(metric));
  return { count: points.reduce((a, p) => a + p.value.count, 0), sum: points.reduce((a, p) => a + (p.value.sum ?? 0), 0) };
}

async function attributesOf(entry: KongLogEntry, metric: string): Promise<Attributes> {
  const m = (await emitted([entry])).get(metric);
  const points = m === undefined ? [] : m.dataPoints;
  expect(points).toHaveLength(1);
  return points[0].attributes;
}

describe('values that were not measured record nothing', () => {
  // Kong writes -1 for latencies.proxy when it answered itself; 0 is a real sub-millisecond time there.
  it.each([
    ['latencies.proxy', -1, 'kong.latency.upstream', 0, 0],
    ['latencies.proxy', null, 'kong.latency.upstream', 0, 0],
    ['latencies.proxy', undefined, 'kong.latency.upstream', 0, 0],
    ['latencies.proxy', '35', 'kong.latency.upstream', 0, 0],
    ['latencies.proxy', true, 'kong.latency.upstream', 0, 0],
    ['latencies.proxy', 0, 'kong.latency.upstream', 1, 0],
    ['latencies.proxy', 35, 'kong.latency.upstream', 1, 0.035],
    ['latencies.request', -5, 'kong.latency.total', 0, 0],
    ['latencies.request', 0, 'kong.latency.total', 1, 0],
    ['latencies.kong', { ms: 2 }, 'kong.latency.internal', 0, 0],
    ['latencies', 'fast', 'kong.latency.total', 0, 0],
    ['request.size', -1, 'http.server.request.size', 0, 0],
    ['request.size', null, 'http.server.request.size', 0, 0],
    ['request.size', 'big', 'http.server.request.size', 0, 0],
    ['request.size', '132', 'http.server.request.size', 1, 132], // Kong 0.12 logged sizes as strings
    ['response.size', '13485', 'http.server.response.size', 1, 13485],
    ['response.size', 0, 'http.server.response.size', 1, 0],
  ])('%s = %j → %s gets %i point(s), sum %d', async (path, value, metric, count, sum) => {
    const h = await histogram(withField(plainEntry(), path, value), metric);
    expect(h.count).toBe(count);
    expect(h.sum).toBeCloseTo(sum, 9);
  });

  // On AI fields Kong writes 0 when it did not measure (cache hits zero the usage): 0 records nothing.
  const ai = aiEntry(aiCall({ usage: { time_to_first_token: 300 }, cache: { cache_status: 'miss', fetch_latency: 4, embeddings_latency: 9 } }));
  it.each([
    ['ai.proxy.meta.llm_latency', 0, 'gen_ai.server.request.duration'],
    ['ai.proxy.meta.llm_latency', -1, 'gen_ai.server.request.duration'],
    ['ai.proxy.meta.llm_latency', null, 'gen_ai.server.request.duration'],
    ['ai.proxy.meta.llm_latency', undefined, 'gen_ai.server.request.duration'],
    ['ai.proxy.meta.llm_latency', '900', 'gen_ai.server.request.duration'],
    ['ai.proxy.usage.time_per_token', 0, 'gen_ai.server.time_per_output_token'],
    ['ai.proxy.usage.time_to_first_token', 0, 'gen_ai.server.time_to_first_token'],
    ['ai.proxy.usage.time_to_first_token', null, 'gen_ai.server.time_to_first_token'],
    ['ai.proxy.cache.fetch_latency', 0, 'kong.gen_ai.cache.fetch.latency'],
    ['ai.proxy.cache.embeddings_latency', 0, 'kong.gen_ai.cache.embeddings.latency'],
  ])('%s = %j → no %s', async (path, value, metric) => {
    expect((await histogram(ai, metric)).count).toBe(1); // the unmodified entry does record it
    expect((await histogram(withField(ai, path, value), metric)).count).toBe(0);
  });

  it.each([
    ['prompt_tokens', 0],
    ['prompt_tokens', -3],
    ['prompt_tokens', null],
    ['prompt_tokens', '100'],
    ['prompt_tokens', undefined],
  ])('usage.%s = %j → no input token series', async (field, value) => {
    const m = await emitted([withField(aiEntry(), `ai.proxy.usage.${field}`, value)]);
    const types = sumPoints(m.get('gen_ai.client.token.usage')).map((p) => p.attributes['gen_ai.token.type']);
    expect(types.sort()).toEqual(['output', 'total']);
  });

  it.each([0, -1, null, 'x', undefined])('usage.cost = %j (no pricing) → no cost', async (value) => {
    const m = await emitted([withField(aiEntry(), 'ai.proxy.usage.cost', value)]);
    expect(m.has('kong.gen_ai.llm.cost')).toBe(false);
  });

  it('a semantic-cache hit (usage zeroed) records no tokens and no cost', async () => {
    const hit = aiEntry(aiCall({ usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, cost: 0 } }));
    const m = await emitted([hit]);
    expect(m.has('gen_ai.client.token.usage')).toBe(false);
    expect(m.has('kong.gen_ai.llm.cost')).toBe(false);
  });
});

describe('kong.response.source', () => {
  it.each([
    ['source wins over upstream_status', 'kong', { source: 'kong', upstream_status: '502' }],
    ['source upstream', 'upstream', { source: 'upstream', upstream_status: '' }],
    ['no source, upstream_status ""', 'kong', { source: undefined, upstream_status: '' }],
    ['no source, upstream_status " "', 'kong', { source: undefined, upstream_status: ' ' }],
    ['no source, upstream_status "200"', 'upstream', { source: undefined, upstream_status: '200' }],
    ['no source, upstream_status 200 (number, buffered proxying)', 'upstream', { source: undefined, upstream_status: 200 }],
    ['no source, upstream_status "502, 200" (retries)', 'upstream', { source: undefined, upstream_status: '502, 200' }],
    ['Kong < 3.3 (no upstream_status), proxied', 'upstream', { source: undefined, upstream_status: undefined }],
    [
      'Kong < 3.3 (no upstream_status), answered by Kong',
      'kong',
      { source: undefined, upstream_status: undefined, latencies: { request: 3, kong: 3, proxy: -1 } },
    ],
  ])('%s → %s', async (_name, expected, over) => {
    const attrs = await attributesOf(plainEntry(over), 'http.server.request.count');
    expect(attrs['kong.response.source']).toBe(expected);
  });
});

describe('common attributes', () => {
  it.each([
    ['username first', { username: 'alice', custom_id: 'c-1', id: 'uuid-1' }, 'alice'],
    ['then custom_id', { custom_id: 'c-1', id: 'uuid-1' }, 'c-1'],
    ['then id', { id: 'uuid-1' }, 'uuid-1'],
    ['empty username skipped', { username: '', id: 'uuid-1' }, 'uuid-1'],
    ['no consumer', undefined, undefined],
  ])('kong.auth.consumer.name: %s', async (_name, consumer, expected) => {
    const attrs = await attributesOf(plainEntry({ consumer }), 'http.server.request.count');
    expect(attrs['kong.auth.consumer.name']).toBe(expected);
  });

  it.each([
    ['workspace_name', { workspace_name: 'team-a', workspace: 'f381e34e' }, 'team-a'],
    ['else workspace', { workspace_name: undefined, workspace: 'f381e34e' }, 'f381e34e'],
    ['neither', { workspace_name: undefined }, undefined],
  ])('kong.workspace.name: %s', async (_name, over, expected) => {
    const attrs = await attributesOf(plainEntry(over), 'kong.latency.total');
    expect(attrs['kong.workspace.name']).toBe(expected);
  });

  it('takes every common attribute of the request count from its field', async () => {
    const attrs = await attributesOf(plainEntry({ consumer: { username: 'bob' }, response: { status: 404, size: 10 } }), 'http.server.request.count');
    expect(attrs).toEqual({
      'kong.service.name': 'orders',
      'kong.route.name': 'orders-route',
      'kong.workspace.name': 'default',
      'kong.auth.consumer.name': 'bob',
      'kong.response.source': 'upstream',
      'http.request.method': 'GET',
      'kong.response.status_code': 404,
    });
  });

  it('leaves out names Kong did not log (unnamed service and route, no status)', async () => {
    const attrs = await attributesOf(
      plainEntry({ service: { id: 's1' }, route: { id: 'r1' }, response: { size: 5 } }),
      'http.server.request.count',
    );
    expect(attrs).toEqual({ 'kong.workspace.name': 'default', 'kong.response.source': 'upstream', 'http.request.method': 'GET' });
  });

  it('stream (tcp/tls) entries feed only the instruments they have fields for', async () => {
    const m = await emitted([{ session: { received: 1, sent: 2, status: 200 }, latencies: { kong: 4, session: 2000 }, route: { name: 'tcp' } }]);
    expect([...m.keys()]).toEqual(['kong.latency.internal']);
    expect(histogramPoints(m.get('kong.latency.internal'))[0].value.sum).toBeCloseTo(0.004, 9);
  });
});

describe('AI plugin objects', () => {
  async function tokens(entry: KongLogEntry): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const p of sumPoints((await emitted([entry])).get('gen_ai.client.token.usage'))) {
      out[String(p.attributes['gen_ai.token.type'])] = (out[String(p.attributes['gen_ai.token.type'])] ?? 0) + p.value;
    }
    return out;
  }

  it.each([
    ['plural names (3.6, 3.8+)', { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }, { input: 7, output: 3, total: 10 }],
    ['3.7 singular names', { prompt_token: 25, completion_token: 12, total_tokens: 37 }, { input: 25, output: 12, total: 37 }],
    ['non-text input_tokens/output_tokens (3.11+)', { input_tokens: 40, output_tokens: 2 }, { input: 40, output: 2, total: 42 }],
    ['total = input + output when absent', { prompt_tokens: 7, completion_tokens: 3 }, { input: 7, output: 3, total: 10 }],
    ['total = input when output is 0', { prompt_tokens: 7, completion_tokens: 0 }, { input: 7, total: 7 }],
    ['provider total kept when it differs', { prompt_tokens: 7, completion_tokens: 3, total_tokens: 12 }, { input: 7, output: 3, total: 12 }],
  ])('tokens: %s', async (_name, usage, expected) => {
    const entry = aiEntry({ meta: { provider_name: 'openai', request_model: 'm', response_model: 'm' }, usage });
    expect(await tokens(entry)).toEqual(expected);
  });

  it('reads every per-call shape: flat 3.6, ai["ai-proxy"], ai.proxy, transformer and advanced keys', async () => {
    const call = { meta: { provider_name: 'openai', request_model: 'm', response_model: 'm' }, usage: { prompt_tokens: 1, completion_tokens: 1 } };
    const entries = [
      plainEntry({ ai: call }),
      plainEntry({ ai: { 'ai-proxy': call } }),
      plainEntry({ ai: { proxy: call } }),
      plainEntry({ ai: { 'ai-request-transformer': call, 'ai-response-transformer': call } }),
      plainEntry({ ai: { 'ai-proxy-advanced': call } }),
    ];
    const m = await emitted(entries);
    expect(total(m.get('gen_ai.client.token.usage'))).toBe(6 * 4); // 6 calls × (1 input + 1 output + 2 total)
    expect(histogramPoints(m.get('gen_ai.client.operation.duration'))[0].value.count).toBe(6);
  });

  it('ai.payload, ai.mcp, ai.compressor, ai.sanitizer and ai.audit are not calls', async () => {
    const m = await emitted([
      plainEntry({
        ai: {
          payload: { request: '{"messages":[]}' },
          compressor: { original_token_count: 845, compress_token_count: 485 },
          sanitizer: { pii_identified: 3, duration: 65, sanitized_items: [] },
          audit: { azure_content_safety: { Hate: 'High' } },
          mcp: { rpc: [] },
        },
      }),
    ]);
    expect([...m.keys()].filter((n) => n.startsWith('gen_ai.') || n.startsWith('kong.gen_ai.'))).toEqual([]);
  });

  it.each([
    ['/v1/chat/completions', 'chat'],
    ['/openai/llm/v1/chat/good', 'chat'],
    ['/anthropic/v1/messages', 'chat'],
    ['/v1/completions', 'text_completion'],
    ['/llm/v1/completions?stream=true', 'text_completion'],
    ['/openai/deployments/gpt/completions', 'text_completion'],
    ['/openai/deployments/gpt/chat/completions', 'chat'],
    ['/v1/embeddings', 'embeddings'],
    ['/llm/v1/Embeddings', 'embeddings'],
    ['/chat?q=embeddings', 'chat'], // the query string is not the path
    [undefined, 'chat'],
  ])('gen_ai.operation.name from %s → %s', async (uri, expected) => {
    const entry = withField(aiEntry(), 'request.uri', uri);
    expect((await attributesOf(entry, 'gen_ai.client.operation.duration'))['gen_ai.operation.name']).toBe(expected);
  });

  it.each([
    [undefined, 'oneshot'],
    ['stream', 'stream'],
    ['realtime', 'realtime'],
  ])('kong.gen_ai.request.mode %j → %s', async (mode, expected) => {
    const entry = aiEntry(aiCall({ meta: { request_mode: mode } }));
    expect((await attributesOf(entry, 'gen_ai.client.operation.duration'))['kong.gen_ai.request.mode']).toBe(expected);
  });

  it.each([
    [200, undefined],
    [399, undefined],
    [400, '400'],
    [429, '429'],
    [503, '503'],
  ])('status %i → error.type %j on both GenAI durations, never on tokens', async (status, expected) => {
    const m = await emitted([withField(aiEntry(), 'response.status', status)]);
    expect(histogramPoints(m.get('gen_ai.client.operation.duration'))[0].attributes['error.type']).toBe(expected);
    expect(histogramPoints(m.get('gen_ai.server.request.duration'))[0].attributes['error.type']).toBe(expected);
    for (const p of sumPoints(m.get('gen_ai.client.token.usage'))) expect(p.attributes).not.toHaveProperty('error.type');
  });

  it.each([
    ['Hit', 'hit'],
    ['MISS', 'miss'],
    ['bypass', 'bypass'],
    [undefined, ''],
  ])('cache_status %j → kong.gen_ai.cache.status %j', async (status, expected) => {
    const entry = aiEntry(aiCall({ cache: status === undefined ? {} : { cache_status: status, vector_db: 'redis' } }));
    expect((await attributesOf(entry, 'kong.gen_ai.llm.cost'))['kong.gen_ai.cache.status']).toBe(expected);
  });

  it('records duration values in seconds, per call', async () => {
    const m = await emitted([aiEntry(aiCall({ meta: { llm_latency: 1234 }, usage: { time_per_token: 24.68, time_to_first_token: 310 } }))]);
    expect(histogramPoints(m.get('gen_ai.client.operation.duration'))[0].value.sum).toBeCloseTo(0.04, 12);
    expect(histogramPoints(m.get('gen_ai.server.request.duration'))[0].value.sum).toBeCloseTo(1.234, 12);
    expect(histogramPoints(m.get('gen_ai.server.time_per_output_token'))[0].value.sum).toBeCloseTo(0.02468, 12);
    expect(histogramPoints(m.get('gen_ai.server.time_to_first_token'))[0].value.sum).toBeCloseTo(0.31, 12);
  });
});

describe('cost from the pricing table', () => {
  const pricing = {
    'openai/gpt-4o-2024-08-06': { input_per_million: 2.5, output_per_million: 10 },
    'openai/gpt-4o': { input_per_million: 5, output_per_million: 15 },
    'anthropic/claude': { input_per_million: 3, output_per_million: 15 },
  };
  it.each([
    ['usage.cost absent → provider/response_model', { cost: undefined }, {}, (100 * 2.5 + 50 * 10) / 1e6],
    ['usage.cost 0 → priced', { cost: 0 }, {}, (100 * 2.5 + 50 * 10) / 1e6],
    ['response model unpriced → provider/request_model', { cost: 0 }, { response_model: 'gpt-4o-mini' }, (100 * 5 + 50 * 15) / 1e6],
    ['Kong computed a cost → kept', { cost: 0.5 }, {}, 0.5],
    ['no price for the model → nothing', { cost: 0 }, { request_model: 'x', response_model: 'y' }, undefined],
    ['other provider, same model name → nothing', { cost: 0 }, { provider_name: 'azure' }, undefined],
    ['3.7 singular tokens are priced too', { cost: undefined, prompt_tokens: undefined, completion_tokens: undefined, prompt_token: 10, completion_token: 4 }, {}, (10 * 2.5 + 4 * 10) / 1e6],
  ])('%s', async (_name, usage, meta, expected) => {
    const m = await emitted([aiEntry(aiCall({ usage, meta }))], { pricing });
    const points = sumPoints(m.get('kong.gen_ai.llm.cost'));
    if (expected === undefined) expect(points).toHaveLength(0);
    else expect(points[0].value).toBeCloseTo(expected, 15);
  });
});

describe('MCP and A2A', () => {
  const mcpEntry = plainEntry({
    ai: {
      mcp: {
        mcp_session_id: 's1',
        rpc: [
          { method: 'tools/call', tool_name: 'list_orders', latency: 6, response_body_size: 5030, id: '1' },
          { method: 'tools/call', tool_name: 'list_orders', latency: 12, response_body_size: 80, error: 'Invalid Request' },
          { method: 'tools/list', latency: 0, response_body_size: 300 },
        ],
        audit: [
          { primitive: 'tool', primitive_name: 'list_orders', action: 'allow', consumer: { id: 'c1', name: 'admin' } },
          { primitive: 'tool', primitive_name: 'drop_tables', action: 'deny' },
          { primitive: 'tool', primitive_name: 'drop_tables', action: 'deny' },
          { primitive: 'prompt', primitive_name: 'p', action: 'audit-only' },
        ],
      },
    },
  });

  it('one duration and size per rpc, error.type and an error count for failed ones, ACL counts per audit item', async () => {
    const m = await emitted([mcpEntry]);
    const base = { 'kong.service.name': 'orders', 'kong.route.name': 'orders-route', 'kong.workspace.name': 'default' };
    const durations = histogramPoints(m.get('mcp.server.operation.duration'));
    expect(durations.map((p) => [p.attributes, p.value.count, p.value.sum])).toEqual([
      [{ ...base, 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'list_orders' }, 1, 0.006],
      [{ ...base, 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'list_orders', 'error.type': 'Invalid Request' }, 1, 0.012],
      [{ ...base, 'mcp.method.name': 'tools/list' }, 1, 0],
    ]);
    expect(histogramPoints(m.get('kong.gen_ai.mcp.response.size')).map((p) => p.value.sum)).toEqual([5030, 80, 300]);
    expect(sumPoints(m.get('kong.gen_ai.mcp.request.error.count')).map((p) => [p.attributes['error.type'], p.value])).toEqual([
      ['Invalid Request', 1],
    ]);
    expect(sumPoints(m.get('kong.gen_ai.mcp.acl.allowed')).map((p) => [p.attributes, p.value])).toEqual([
      [{ ...base, 'kong.gen_ai.mcp.primitive': 'tool', 'kong.gen_ai.mcp.primitive_name': 'list_orders' }, 1],
    ]);
    expect(sumPoints(m.get('kong.gen_ai.mcp.acl.denied')).map((p) => [p.attributes['kong.gen_ai.mcp.primitive_name'], p.value])).toEqual([
      ['drop_tables', 2],
    ]);
  });

  it('a JSON-RPC error object is reduced to its code, never its message', async () => {
    const entry = plainEntry({ ai: { mcp: { rpc: [{ method: 'tools/call', latency: 1, error: { code: -32602, message: 'bad arg: secret' } }] } } });
    const m = await emitted([entry]);
    expect(sumPoints(m.get('kong.gen_ai.mcp.request.error.count'))[0].attributes['error.type']).toBe('-32602');
  });

  it('A2A: count, duration, size, ttfb, errors and task states per rpc', async () => {
    const entry = plainEntry({
      ai: {
        a2a: {
          rpc: [
            { method: 'message/send', binding: 'jsonrpc', latency: 1500, response_body_size: 2048, task_state: 'completed', id: '1', context_id: 'ctx-secret' },
            { method: 'message/stream', binding: 'jsonrpc', latency: 4000, ttfb_latency: 120, streaming: true, sse_events_count: 9, task_state: 'working' },
            { method: 'tasks/get', binding: 'rest', latency: 30, error: 'task not found', task_state: 'unknown' },
          ],
        },
      },
    });
    const m = await emitted([entry]);
    const base = { 'kong.service.name': 'orders', 'kong.route.name': 'orders-route', 'kong.workspace.name': 'default' };
    expect(sumPoints(m.get('kong.gen_ai.a2a.request.count')).map((p) => [p.attributes, p.value])).toEqual([
      [{ ...base, 'kong.gen_ai.a2a.method': 'message/send', 'kong.gen_ai.a2a.binding': 'jsonrpc' }, 1],
      [{ ...base, 'kong.gen_ai.a2a.method': 'message/stream', 'kong.gen_ai.a2a.binding': 'jsonrpc' }, 1],
      [{ ...base, 'kong.gen_ai.a2a.method': 'tasks/get', 'kong.gen_ai.a2a.binding': 'rest' }, 1],
    ]);
    expect(histogramPoints(m.get('kong.gen_ai.a2a.request.duration')).map((p) => p.value.sum)).toEqual([1.5, 4, 0.03]);
    expect(histogramPoints(m.get('kong.gen_ai.a2a.response.size')).map((p) => p.value.sum)).toEqual([2048]);
    expect(histogramPoints(m.get('kong.gen_ai.a2a.ttfb')).map((p) => p.value.sum)).toEqual([0.12]);
    expect(sumPoints(m.get('kong.gen_ai.a2a.request.error.count')).map((p) => [p.attributes['kong.gen_ai.a2a.error.type'], p.value])).toEqual([
      ['task not found', 1],
    ]);
    expect(sumPoints(m.get('kong.gen_ai.a2a.task.state.count')).map((p) => p.attributes['kong.gen_ai.a2a.task.state'])).toEqual([
      'completed',
      'working',
      'unknown',
    ]);
  });
});
