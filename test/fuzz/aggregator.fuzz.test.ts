import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED, MAX_ATTRIBUTE_LENGTH } from '../../bench/fuzz/engine.js';
import { entryPool } from '../../bench/fuzz/entry_pool.js';
import { batchItemArb } from '../../bench/fuzz/entry_mutation.js';
import { nodeText, toNode } from '../../bench/fuzz/json_node.js';
import { isCountedEntry, isUsableEntry } from '../../bench/fuzz/kong_oracle.js';
import type { KongLogEntry } from '../../core/index.js';
import { KongEntryAggregator } from '../../processors/kong_metrics/aggregator.js';
import { collectCumulative, collectDelta } from '../../processors/kong_metrics/data_points.js';
import { defaultAggregator } from '../support/fuzz/aggregator.js';

/**
 * kong_metrics reads every field of every entry shape: with any field of a real entry replaced by any value
 * (wrong types, 1e309 → Infinity, -0, 1e308, 10 000-deep nesting, repeated keys…), no entry may make the
 * aggregation throw, each entry with a request or response adds exactly 1 to the request count, and every
 * emitted value is a finite number the OTLP serializer can encode — per emission and over the whole run.
 */
const RUNS = Math.max(200, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 5));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const T0 = 1_700_000_000_000;

const pool = entryPool(SEED).map((e) => toNode(e));
const limits = { maxStringLength: 2_000, maxDepth: 10_000 };

function aggregator(tokenUsageAs: 'sum' | 'histogram', naming: 'otel' | 'kong' = 'otel'): KongEntryAggregator {
  return defaultAggregator({
    prices: { 'openai/gpt-4o': { input_per_million: 2.5, output_per_million: 10 } },
    tokenUsageAs,
    naming,
    maxSeriesPerMetric: 500,
    maxSeries: 100_000,
  });
}

/** What is wrong with one emitted point, or undefined. */
function pointProblem(m: MetricData, p: DataPoint<unknown>): string | undefined {
  for (const [key, value] of Object.entries(p.attributes)) {
    if (typeof value === 'string' && value.length > MAX_ATTRIBUTE_LENGTH) return `${m.descriptor.name} attribute ${key} is ${value.length} characters long`;
  }
  if (typeof p.value === 'number') {
    return Number.isFinite(p.value) && p.value >= 0 ? undefined : `${m.descriptor.name} sum is ${p.value}`;
  }
  const h = p.value as Histogram;
  const bucketTotal = h.buckets.counts.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(h.sum ?? 0)) return `${m.descriptor.name} histogram sum is ${h.sum}`;
  if (bucketTotal !== h.count) return `${m.descriptor.name} buckets hold ${bucketTotal} values, count says ${h.count}`;
  if (h.count > 0 && !((h.min ?? 0) <= (h.max ?? 0))) return `${m.descriptor.name} min ${h.min} > max ${h.max}`;
  return undefined;
}

/** Problems of every point, and the total of the request count. */
function check(metrics: readonly MetricData[], counter = 'http.server.request.count'): { problems: string[]; requests: number } {
  const problems: string[] = [];
  let requests = 0;
  for (const m of metrics) {
    for (const p of m.dataPoints as DataPoint<unknown>[]) {
      const problem = pointProblem(m, p);
      if (problem !== undefined && problems.length < 10) problems.push(problem);
      if (m.descriptor.name === counter) requests += p.value as number;
    }
  }
  const resource = resourceFromAttributes({ 'service.name': 'fuzz' });
  try {
    ProtobufMetricsSerializer.serializeRequest({ resource, scopeMetrics: [{ scope: { name: 'fuzz' }, metrics: [...metrics] }] });
  } catch (err) {
    problems.push(`the OTLP serializer failed: ${String(err)}`);
  }
  return { problems, requests };
}

/** Entry texts, printed short when fast-check reports a counterexample. */
function batchArb(): fc.Arbitrary<string[]> {
  return fc.array(batchItemArb(pool, limits), { minLength: 1, maxLength: 16 }).map((items) => {
    const texts = items.map(nodeText);
    return Object.assign(texts, { [fc.toStringMethod]: () => texts.map((t) => (t.length > 300 ? `${t.slice(0, 300)}…(${t.length})` : t)).join('\n') });
  });
}

describe('kong_metrics aggregation over mutated entries', () => {
  it.each(['sum', 'histogram'] as const)(`token_usage_as: %s — never throws, counts exactly, emits finite values (${RUNS} batches)`, (tokenUsageAs) => {
    // One aggregator emits delta after every batch; the other keeps everything to the end, where sums of the
    // whole run are checked (two huge values in one series must not add up to Infinity).
    const perBatch = aggregator(tokenUsageAs);
    const whole = aggregator(tokenUsageAs);
    let now = T0;
    let counted = 0;
    fc.assert(
      fc.property(batchArb(), (texts) => {
        const entries = texts.map((t) => JSON.parse(t) as unknown).filter(isUsableEntry) as KongLogEntry[];
        now += 1000;
        expect(perBatch.aggregate(entries, now)).toEqual([]);
        expect(whole.aggregate(entries, now)).toEqual([]);
        const batch = check(collectDelta(perBatch.metrics, now + 500).metrics);
        expect(batch.problems).toEqual([]);
        expect(batch.requests).toBe(entries.filter(isCountedEntry).length);
        counted += batch.requests;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    const total = check(collectCumulative(whole.metrics, now + 1000).metrics);
    expect(total.problems).toEqual([]);
    expect(total.requests).toBe(counted);
  });

  /** Kong's plugin counts an HTTP entry with a route and a logged response status (exporter.lua log()). */
  const countedByKong = (e: KongLogEntry): boolean => {
    const response = e.response;
    if (typeof e.route !== 'object' || e.route === null || Array.isArray(e.route)) return false;
    if (typeof response !== 'object' || response === null || Array.isArray(response)) return false;
    const status = (response as Record<string, unknown>).status;
    return status !== undefined && status !== null;
  };

  it(`naming: kong — never throws, kong_http_requests_total counts what Kong's plugin counts, finite values (${RUNS} batches)`, () => {
    const perBatch = aggregator('sum', 'kong');
    let now = T0;
    fc.assert(
      fc.property(batchArb(), (texts) => {
        const entries = texts.map((t) => JSON.parse(t) as unknown).filter(isUsableEntry) as KongLogEntry[];
        now += 1000;
        expect(perBatch.aggregate(entries, now)).toEqual([]);
        const batch = check(collectDelta(perBatch.metrics, now + 500).metrics, 'kong_http_requests_total');
        expect(batch.problems).toEqual([]);
        expect(batch.requests).toBe(entries.filter(countedByKong).length);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
