import { describe, expect, it } from 'vitest';
import type { KongLogEntry } from '../../../core/index.js';
import { aiCall, aiEntry, plainEntry, withField } from './entries.js';
import { emitted, histogramPoints, sumPoints, total } from './harness.js';

/**
 * Regressions found by the hostile-input suite (test/fuzz/): values no Kong sends, but any client that can
 * reach a log receiver can.
 */

describe('attribute values longer than any real name', () => {
  it('a 300 000-character route name becomes its first 256 characters, once per series', async () => {
    const long = 'r'.repeat(300_000);
    const metrics = await emitted([
      withField(plainEntry(), 'route.name', long),
      withField(plainEntry(), 'route.name', `${long}-another-suffix`),
    ]);
    const points = sumPoints(metrics.get('http.server.request.count'));
    // Both share their first 256 characters: one series with both entries, not two series with equal attributes.
    expect(points.map((p) => [p.attributes['kong.route.name'], p.value])).toEqual([['r'.repeat(256), 2]]);
    for (const [name, m] of metrics) {
      for (const p of m.dataPoints) {
        for (const v of Object.values(p.attributes)) if (typeof v === 'string') expect(v.length, name).toBeLessThanOrEqual(256);
      }
    }
  });

  it('a cut never splits a surrogate pair (it would encode as U+FFFD)', async () => {
    const name = `${'a'.repeat(255)}😀tail`; // the emoji's two halves at 255 and 256
    const metrics = await emitted([withField(plainEntry(), 'service.name', name)]);
    const service = sumPoints(metrics.get('http.server.request.count'))[0].attributes['kong.service.name'];
    expect(service).toBe('a'.repeat(255));
  });

  it('an MCP error string is cut like a name', async () => {
    const entry = aiEntry(aiCall(), { ai: { mcp: { rpc: [{ method: 'tools/call', latency: 5, error: 'e'.repeat(10_000) }] } } });
    const errors = sumPoints((await emitted([entry])).get('kong.gen_ai.mcp.request.error.count'));
    expect(errors.map((p) => [String(p.attributes['error.type']).length, p.value])).toEqual([[256, 1]]);
  });
});

describe('measurements too large to be real', () => {
  it('two prompt_tokens of 1e308 are not recorded, so the cumulative token sum stays finite', async () => {
    const huge = aiEntry(aiCall({ usage: { prompt_tokens: 1e308, completion_tokens: 50, total_tokens: 1e308 } }));
    const metrics = await emitted([huge, huge, aiEntry()]);
    const tokens = sumPoints(metrics.get('gen_ai.client.token.usage'));
    expect(tokens.every((p) => Number.isFinite(p.value))).toBe(true);
    // Input from the one normal call (100); output from all three (3 × 50).
    const byType = Object.fromEntries(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.value]));
    expect(byType.input).toBe(100);
    expect(byType.output).toBe(150);
    // The entries themselves still count.
    expect(total(metrics.get('http.server.request.count'))).toBe(3);
  });

  it.each([
    ['latencies.request', 'kong.latency.total'],
    ['request.size', 'http.server.request.size'],
    ['response.size', 'http.server.response.size'],
  ])('%s = Number.MAX_VALUE is not recorded in %s', async (path, metric) => {
    const metrics = await emitted([withField(plainEntry(), path, Number.MAX_VALUE), withField(plainEntry(), path, Number.MAX_VALUE)]);
    expect(histogramPoints(metrics.get(metric)).reduce((n, p) => n + p.value.count, 0)).toBe(0);
    expect(total(metrics.get('http.server.request.count'))).toBe(2);
  });
});

/** The attributes of the only point of `metric` after one entry. */
async function attributesOf(entry: KongLogEntry, metric: string, config: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const points = (await emitted([entry], config)).get(metric)?.dataPoints ?? [];
  expect(points, metric).toHaveLength(1);
  return points[0].attributes;
}

/**
 * A value any client can send, for an attribute whose values form a closed set, must not become a series
 * of its own: it would let one client grow the metric without bound. The HTTP semantic conventions say
 * so for `http.request.method` (unknown → `_OTHER`); the Kong and A2A enumerations follow the same rule.
 */
describe('values outside a closed set', () => {
  it.each([
    ['GET', 'GET'],
    ['PATCH', 'PATCH'],
    ['CONNECT', 'CONNECT'],
    ['TRACE', 'TRACE'],
    ['get', '_OTHER'], // method names are case-sensitive
    ['PROPFIND', '_OTHER'],
    ['X'.repeat(40), '_OTHER'],
    ['', undefined],
    [42, undefined],
  ])('request.method %j → http.request.method %j', async (method, expected) => {
    const attrs = await attributesOf(withField(plainEntry(), 'request.method', method), 'http.server.request.count');
    expect(attrs['http.request.method']).toBe(expected);
  });

  it('http_known_methods replaces the known methods (semantic conventions: a full override)', async () => {
    const config = { http_known_methods: ['GET', 'PROPFIND'] };
    const propfind = await attributesOf(withField(plainEntry(), 'request.method', 'PROPFIND'), 'http.server.request.count', config);
    expect(propfind['http.request.method']).toBe('PROPFIND');
    const post = await attributesOf(withField(plainEntry(), 'request.method', 'POST'), 'http.server.request.count', config);
    expect(post['http.request.method']).toBe('_OTHER');
  });

  it.each([
    [200, 200, undefined],
    [100, 100, undefined],
    [599, 599, '599'],
    [99, undefined, '_OTHER'],
    [0, undefined, '_OTHER'],
    [600, undefined, '_OTHER'],
    [1e9, undefined, '_OTHER'],
    [200.5, undefined, '_OTHER'],
    [-404, undefined, '_OTHER'],
    ['404', undefined, '_OTHER'],
    [{ code: 404 }, undefined, '_OTHER'],
    [null, undefined, undefined],
  ])('response.status %j → kong.response.status_code %j, GenAI error.type %j', async (status, code, errorType) => {
    const entry = withField(aiEntry(), 'response.status', status);
    const m = await emitted([entry]);
    const count = sumPoints(m.get('http.server.request.count'));
    expect(count.map((p) => [p.attributes['kong.response.status_code'], p.value])).toEqual([[code, 1]]);
    for (const metric of ['gen_ai.client.operation.duration', 'gen_ai.server.request.duration']) {
      expect(histogramPoints(m.get(metric)).map((p) => p.attributes['error.type']), metric).toEqual([errorType]);
    }
  });

  it.each([
    ['upstream', 'upstream'],
    ['kong', 'kong'],
    ['exit', '_OTHER'],
    ['s'.repeat(40), '_OTHER'],
  ])('source %j → kong.response.source %j', async (source, expected) => {
    const attrs = await attributesOf(plainEntry({ source }), 'http.server.request.count');
    expect(attrs['kong.response.source']).toBe(expected);
  });

  it.each([
    [undefined, 'oneshot'],
    ['realtime', 'realtime'],
    ['Stream', '_OTHER'],
    ['batch', '_OTHER'],
  ])('meta.request_mode %j → kong.gen_ai.request.mode %j', async (mode, expected) => {
    const attrs = await attributesOf(aiEntry(aiCall({ meta: { request_mode: mode } })), 'gen_ai.client.operation.duration');
    expect(attrs['kong.gen_ai.request.mode']).toBe(expected);
  });

  it.each([
    ['Refresh', 'refresh'],
    ['failed', 'failed'],
    ['warm', '_OTHER'],
    ['h'.repeat(40), '_OTHER'],
  ])('cache.cache_status %j → kong.gen_ai.cache.status %j', async (status, expected) => {
    const attrs = await attributesOf(aiEntry(aiCall({ cache: { cache_status: status } })), 'kong.gen_ai.llm.cost');
    expect(attrs['kong.gen_ai.cache.status']).toBe(expected);
  });

  it.each([
    [{ method: 'message/send', binding: 'jsonrpc', task_state: 'input-required' }, ['message/send', 'jsonrpc', 'input-required']],
    [{ method: 'tasks/pushNotificationConfig/set', binding: 'grpc', task_state: 'auth-required' }, ['tasks/pushNotificationConfig/set', 'grpc', 'auth-required']],
    [{ method: 'unknown', binding: 'rest', task_state: 'unknown' }, ['unknown', 'rest', 'unknown']],
    [{ method: 'message/send-2', binding: 'JSONRPC', task_state: 'done' }, ['_OTHER', '_OTHER', '_OTHER']],
  ])('A2A rpc %j → method, binding, task state %j', async (rpc, [method, binding, state]) => {
    const m = await emitted([plainEntry({ ai: { a2a: { rpc: [{ latency: 5, ...rpc }] } } })]);
    const [p] = sumPoints(m.get('kong.gen_ai.a2a.task.state.count'));
    expect([p.attributes['kong.gen_ai.a2a.method'], p.attributes['kong.gen_ai.a2a.binding'], p.attributes['kong.gen_ai.a2a.task.state']]).toEqual([
      method,
      binding,
      state,
    ]);
  });

  it.each([
    ['tool', 'tool'],
    ['resource', 'resource'],
    ['prompt', 'prompt'],
    ['Tool', '_OTHER'],
    ['p'.repeat(40), '_OTHER'],
  ])('MCP audit primitive %j → kong.gen_ai.mcp.primitive %j', async (primitive, expected) => {
    const entry = plainEntry({ ai: { mcp: { audit: [{ action: 'deny', primitive, primitive_name: 'rm' }] } } });
    const attrs = await attributesOf(entry, 'kong.gen_ai.mcp.acl.denied');
    expect(attrs['kong.gen_ai.mcp.primitive']).toBe(expected);
  });

  it.each([
    [{ code: -32602 }, '-32602'],
    [{ code: 1.5 }, '_OTHER'],
    [{ code: 1e300 }, '_OTHER'],
    [-32000, '-32000'],
    [0.25, '_OTHER'],
  ])('a JSON-RPC error %j → error.type %j (codes are integers)', async (error, expected) => {
    const entry = plainEntry({ ai: { mcp: { rpc: [{ method: 'tools/call', latency: 1, error }] } } });
    const attrs = await attributesOf(entry, 'kong.gen_ai.mcp.request.error.count');
    expect(attrs['error.type']).toBe(expected);
  });
});
