import type { MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { KongLogEntry } from '../../../core/index.js';
import { DOC_BOUNDS, Harness, histogramPoints, metricsByName, sumPoints } from './harness.js';

/** 10 000 generated entries: the emitted totals must equal what was sent, whatever the batching. */

const N = 10_000;
const STATUSES = [200, 201, 404, 500, 503];
const PRICING = { 'openai/gpt-4o': { input_per_million: 2, output_per_million: 6 } };

interface Generated {
  entry: KongLogEntry;
  status: number;
  requestMs: number;
  proxyMs: number;
  requestBytes: number;
  input: number;
  output: number;
  total: number;
  cost: number;
}

function generate(i: number): Generated {
  const status = STATUSES[i % STATUSES.length];
  const requestMs = (i * 37) % 5000;
  const internalMs = i % 20;
  const proxyMs = i % 3 === 0 ? -1 : Math.max(0, requestMs - internalMs);
  const requestBytes = 100 + ((i * 7919) % 20_000);
  const entry: Record<string, unknown> = {
    request: { method: i % 2 === 0 ? 'GET' : 'POST', uri: '/v1/chat/completions', size: requestBytes },
    response: { status, size: 500 + (i % 1000) },
    latencies: { request: requestMs, kong: internalMs, proxy: proxyMs },
    service: { name: `svc-${i % 7}` },
    route: { name: `route-${i % 13}` },
    workspace_name: 'default',
    source: proxyMs < 0 ? 'kong' : 'upstream',
    upstream_status: proxyMs < 0 ? '' : String(status),
  };
  let input = 0;
  let output = 0;
  let total = 0;
  let cost = 0;
  if (i % 4 === 0) {
    input = 1 + (i % 500);
    output = i % 300; // 0 for some calls: not measured, not recorded
    const logsTotal = i % 8 === 0;
    total = input + output;
    // Half the calls carry Kong's cost, the other half are priced from the config.
    const kongCost = i % 3 === 0 ? (input * 10 + output * 30) / 1e6 : 0;
    cost = kongCost > 0 ? kongCost : (input * 2 + output * 6) / 1e6;
    entry.ai = {
      proxy: {
        meta: { provider_name: 'openai', request_model: 'gpt-4o', response_model: 'gpt-4o', llm_latency: 100 + (i % 900) },
        usage: { prompt_tokens: input, completion_tokens: output, ...(logsTotal ? { total_tokens: total } : {}), cost: kongCost },
      },
    };
  }
  return { entry, status, requestMs, proxyMs, requestBytes, input, output, total, cost };
}

const generated = Array.from({ length: N }, (_, i) => generate(i));

function expectedBuckets(values: number[], bounds: number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    let i = bounds.findIndex((b) => v <= b);
    if (i === -1) i = bounds.length;
    counts[i]++;
  }
  return counts;
}

function sumOf(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Folds the emissions into one cumulative view: the last emission (cumulative) or the sum of all (delta). */
function totals(emissions: Map<string, MetricData>[], temporality: 'cumulative' | 'delta') {
  const used = temporality === 'cumulative' ? emissions.slice(-1) : emissions;
  const byStatus = new Map<number, number>();
  let requests = 0;
  const tokens = { input: 0, output: 0, total: 0 };
  let cost = 0;
  const latency = { count: 0, sum: 0, counts: new Array<number>(DOC_BOUNDS.latency.length + 1).fill(0) };
  const upstream = { count: 0, sum: 0 };
  const requestSize = { count: 0, sum: 0 };
  const operation = { count: 0, sum: 0 };
  for (const m of used) {
    for (const p of sumPoints(m.get('http.server.request.count'))) {
      requests += p.value;
      const s = Number(p.attributes['kong.response.status_code']);
      byStatus.set(s, (byStatus.get(s) ?? 0) + p.value);
    }
    for (const p of sumPoints(m.get('gen_ai.client.token.usage'))) tokens[p.attributes['gen_ai.token.type'] as 'input'] += p.value;
    for (const p of sumPoints(m.get('kong.gen_ai.llm.cost'))) cost += p.value;
    for (const p of histogramPoints(m.get('kong.latency.total'))) {
      latency.count += p.value.count;
      latency.sum += p.value.sum ?? 0;
      p.value.buckets.counts.forEach((c, i) => (latency.counts[i] += c));
    }
    for (const p of histogramPoints(m.get('kong.latency.upstream'))) {
      upstream.count += p.value.count;
      upstream.sum += p.value.sum ?? 0;
    }
    for (const p of histogramPoints(m.get('http.server.request.size'))) {
      requestSize.count += p.value.count;
      requestSize.sum += p.value.sum ?? 0;
    }
    for (const p of histogramPoints(m.get('gen_ai.client.operation.duration'))) {
      operation.count += p.value.count;
      operation.sum += p.value.sum ?? 0;
    }
  }
  return { requests, byStatus, tokens, cost, latency, upstream, requestSize, operation };
}

describe.each(['cumulative', 'delta'] as const)('10 000 entries, %s', (temporality) => {
  it('emit exact totals across 100 batches and 10 emissions', async () => {
    const h = await new Harness({ temporality, pricing: PRICING }).start();
    for (let b = 0; b < 100; b++) {
      await h.consume(generated.slice(b * 100, (b + 1) * 100).map((g) => g.entry));
      if (b % 10 === 9) await h.tick();
    }
    await h.processor.shutdown();
    const t = totals(h.metricBatches().map(metricsByName), temporality);

    const ai = generated.filter((g) => g.input > 0);
    const proxied = generated.filter((g) => g.proxyMs >= 0);
    expect(t.requests).toBe(N);
    expect(Object.fromEntries(t.byStatus)).toEqual({ 200: 2000, 201: 2000, 404: 2000, 500: 2000, 503: 2000 });
    expect(t.latency.count).toBe(N);
    expect(t.latency.sum).toBeCloseTo(sumOf(generated.map((g) => g.requestMs)) / 1000, 6);
    expect(t.latency.counts).toEqual(expectedBuckets(generated.map((g) => g.requestMs / 1000), DOC_BOUNDS.latency));
    expect(t.upstream.count).toBe(proxied.length);
    expect(t.upstream.sum).toBeCloseTo(sumOf(proxied.map((g) => g.proxyMs)) / 1000, 6);
    expect(t.requestSize).toEqual({ count: N, sum: sumOf(generated.map((g) => g.requestBytes)) });
    expect(t.tokens).toEqual({
      input: sumOf(ai.map((g) => g.input)),
      output: sumOf(ai.map((g) => g.output)),
      total: sumOf(ai.map((g) => g.total)),
    });
    expect(t.cost).toBeCloseTo(sumOf(ai.map((g) => g.cost)), 9);
    expect(t.operation.count).toBe(ai.length);
    expect(t.operation.sum).toBeCloseTo(sumOf(ai.map((g) => g.requestMs)) / 1000, 6);
    // Sanity of the generator itself, so the assertions above cannot pass on empty data.
    expect([ai.length, proxied.length]).toEqual([2500, 6666]);
    // Cumulative re-sends at shutdown; delta has nothing new after the last interval.
    expect(h.metricBatches()).toHaveLength(temporality === 'cumulative' ? 11 : 10);
  });
});
