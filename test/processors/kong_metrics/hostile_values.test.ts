import { describe, expect, it } from 'vitest';
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
