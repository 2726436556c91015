import { type DataPoint, type MetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  BackPressureError,
  logBatch,
  ManualClock,
  type MetricBatch,
  PermanentError,
  SelfMetric,
  SelfTelemetry,
} from '../../../core/index.js';
import { cumulativeToDeltaFactory, type CumulativeToDeltaProcessor } from '../../../processors/cumulativetodelta/index.js';
import { attributesHash, sameAttributes } from '../../../processors/cumulativetodelta/attribute_hash.js';
import { type Baseline, type MetricStreams, StreamTable } from '../../../processors/cumulativetodelta/stream_table.js';
import { RESETS, STREAMS_EVICTED, STREAMS_LIMIT, STREAMS_TRACKED } from '../../../processors/cumulativetodelta/telemetry.js';
import { runningHost, testContext } from '../../support/context.js';
import { batchOf, hist, histogramMetric, metricsOf, point, T0 } from './metrics.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { sumMetric } from '../../support/metric_data.js';

const LABELS = { processor: 'cumulativetodelta', pipeline: 'metrics/dynatrace' };

async function setup(config: Record<string, unknown> = {}) {
  const clock = new ManualClock(T0 * 1000);
  const telemetry = new SelfTelemetry();
  const next = new CapturingConsumer();
  const ctx = testContext('cumulativetodelta', 'processor', { clock, telemetry, pipelineId: 'metrics/dynatrace' });
  const processor = cumulativeToDeltaFactory.create(cumulativeToDeltaFactory.configSchema.parse(config), ctx, next) as CumulativeToDeltaProcessor;
  await processor.start(runningHost);
  return { clock, telemetry, next, processor };
}

/** One point per named stream (attribute `route`), all stamped `t` seconds after T0. */
function routes(t: number, values: Record<string, number>): MetricBatch {
  return batchOf(sumMetric('kong_http_requests_total', Object.entries(values).map(([route, value]) => point({ value, t, attrs: { route } }))));
}

/** route → delta value of every point that came out, in order. */
function outputs(next: CapturingConsumer): [string, number][] {
  const out: [string, number][] = [];
  for (const b of next.batches) {
    if (b.signal !== 'metrics') continue;
    for (const m of metricsOf(b)) for (const p of m.dataPoints as DataPoint<number>[]) out.push([String(p.attributes.route), p.value]);
  }
  return out;
}

function deepFreeze<T>(o: T): T {
  if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

describe('cumulativetodelta streams', () => {
  it('max_streams evicts the least recently seen stream, counts it, and the evicted stream starts over', async () => {
    const { telemetry, next, processor } = await setup({ max_streams: 2, initial_value: 'drop' });
    await processor.consume(routes(10, { a: 1, b: 1 }));
    await processor.consume(routes(20, { a: 2 })); // a is now more recently seen than b
    await processor.consume(routes(30, { c: 1 })); // a third stream: b goes
    expect(processor.streamCount).toBe(2);
    expect(telemetry.value(STREAMS_EVICTED, { ...LABELS, reason: 'max_streams' })).toBe(1);
    await processor.consume(routes(40, { c: 4, a: 5, b: 9 }));
    // c and a still had baselines; b came back as a first point (dropped), evicting c, the oldest then.
    expect(outputs(next)).toEqual([
      ['a', 1],
      ['c', 3],
      ['a', 3],
    ]);
    expect(telemetry.value(STREAMS_EVICTED, { ...LABELS, reason: 'max_streams' })).toBe(2);
    expect(telemetry.value(STREAMS_TRACKED, LABELS)).toBe(2);
    expect(telemetry.value(STREAMS_LIMIT, LABELS)).toBe(2);
    expect(telemetry.value(SelfMetric.processorDroppedMetricPoints, { ...LABELS, reason: 'initial' })).toBe(4);
  });

  it('max_staleness forgets streams whose last point is older than now − max_staleness, on the clock', async () => {
    const { clock, telemetry, next, processor } = await setup({ max_staleness: '10m', initial_value: 'drop' });
    await processor.consume(routes(0, { old: 1, fresh: 1 }));
    clock.advance(5 * 60_000);
    await processor.consume(routes(5 * 60, { fresh: 2 }));
    clock.advance(5 * 60_000); // now = T0 + 10m: "old" is exactly 10m old, not yet older
    expect(processor.streamCount).toBe(2);
    clock.advance(60_000); // T0 + 11m: the sweep runs; old (0m) is stale, fresh (5m) is not
    expect(processor.streamCount).toBe(1);
    expect(telemetry.value(STREAMS_EVICTED, { ...LABELS, reason: 'stale' })).toBe(1);
    await processor.consume(routes(11 * 60, { old: 7, fresh: 4 }));
    expect(outputs(next)).toEqual([
      ['fresh', 1],
      ['fresh', 2],
    ]);
  });

  it('max_staleness 0 keeps streams forever; shutdown stops the sweep', async () => {
    const forever = await setup({ max_staleness: 0 });
    await forever.processor.consume(routes(0, { a: 1 }));
    forever.clock.advance(1000 * 3_600_000);
    expect(forever.processor.streamCount).toBe(1);

    const stopped = await setup({ max_staleness: '1m' });
    await stopped.processor.consume(routes(0, { a: 1 }));
    await stopped.processor.shutdown();
    stopped.clock.advance(10 * 60_000);
    expect(stopped.processor.streamCount).toBe(1);
  });

  it('a batch refused downstream puts its baselines back, so the resent batch yields the same deltas', async () => {
    const { next, processor } = await setup({ initial_value: 'drop' });
    await processor.consume(routes(10, { a: 100 }));
    next.refuse = true;
    await expect(processor.consume(routes(20, { a: 150, b: 7 }))).rejects.toBeInstanceOf(BackPressureError);
    expect(processor.streamCount).toBe(1); // b, created by the refused batch, is gone again
    next.refuse = false;
    await processor.consume(routes(20, { a: 150, b: 7 }));
    await processor.consume(routes(30, { a: 160, b: 9 }));
    expect(outputs(next)).toEqual([
      ['a', 50],
      ['a', 10],
      ['b', 2],
    ]);
  });

  it('bad data refused downstream is not lost either: the next point carries the increase', async () => {
    const { next, processor } = await setup({ initial_value: 'drop' });
    await processor.consume(routes(10, { a: 100 }));
    next.fail = new PermanentError('backend refused');
    await expect(processor.consume(routes(20, { a: 150 }))).rejects.toThrow('backend refused');
    next.fail = undefined;
    await processor.consume(routes(30, { a: 170 }));
    expect(outputs(next)).toEqual([['a', 70]]);
  });

  it('never modifies its input and emits new objects', async () => {
    const { next, processor } = await setup({ initial_value: 'keep' });
    const input = [
      routes(10, { a: 1 }),
      batchOf(histogramMetric('latency', [point({ value: hist([1, 2, 3], { sum: 9, min: 1, max: 30 }), t: 10 })])),
      routes(20, { a: 4 }),
      batchOf(histogramMetric('latency', [point({ value: hist([2, 4, 6], { sum: 18, min: 1, max: 30 }), t: 20 })])),
    ];
    const before = structuredClone(input.map((b) => b.resourceMetrics.map((rm) => rm.scopeMetrics)));
    // A write to a frozen object throws in ESM (strict mode). The Resource is left alone: it memoizes internally.
    for (const b of input) {
      deepFreeze(b.resourceMetrics.map((rm) => rm.scopeMetrics));
      Object.freeze(b.resourceMetrics);
      await processor.consume(b);
    }
    expect(input.map((b) => b.resourceMetrics.map((rm) => rm.scopeMetrics))).toEqual(before);
    const inMetric = metricsOf(input[2])[0];
    const outMetric = metricsOf(next.batches[2] as MetricBatch)[0];
    expect(outMetric).not.toBe(inMetric);
    expect(outMetric.dataPoints[0]).not.toBe(inMetric.dataPoints[0]);
    expect((outMetric.dataPoints[0] as DataPoint<number>).value).toBe(3);
  });

  it('sends nothing when every point was dropped, and passes unconverted metrics by reference', async () => {
    const { next, processor } = await setup();
    await processor.consume(routes(10, { a: 1, b: 2 }));
    expect(next.batches).toHaveLength(0);
    const gaugeLike: MetricData = sumMetric('open_connections', [point({ value: 3, t: 10 })], { monotonic: false });
    await processor.consume(batchOf(gaugeLike));
    expect(metricsOf(next.batches[0] as MetricBatch)[0]).toBe(gaugeLike);
  });

  it('counts points in, out, dropped and resets', async () => {
    const { telemetry, processor } = await setup();
    await processor.consume(routes(10, { a: 100, b: 5 })); // 2 first points dropped (auto, start unset)
    await processor.consume(routes(20, { a: 150, b: 1 })); // a: delta; b: reset (decrease)
    await processor.consume(batchOf(sumMetric('kong_http_requests_total', [point({ value: 1, t: 5, attrs: { route: 'a' } })]))); // out of order
    expect(telemetry.value(SelfMetric.processorIncomingItems, LABELS)).toBe(5);
    expect(telemetry.value(SelfMetric.processorOutgoingItems, LABELS)).toBe(2);
    expect(telemetry.value(SelfMetric.processorDroppedMetricPoints, { ...LABELS, reason: 'initial' })).toBe(2);
    expect(telemetry.value(SelfMetric.processorDroppedMetricPoints, { ...LABELS, reason: 'out_of_order' })).toBe(1);
    expect(telemetry.value(RESETS, { ...LABELS, reason: 'decrease' })).toBe(1);
    expect(telemetry.value(STREAMS_TRACKED, LABELS)).toBe(2);
  });

  it('passes a log batch on untouched (the graph validator should never let one through)', async () => {
    const { next, processor } = await setup();
    const logs = logBatch([]);
    await processor.consume(logs);
    expect(next.batches).toEqual([logs]);
  });
});

describe('stream table', () => {
  it('keeps streams whose attributes hash alike apart, and removes either one cleanly', () => {
    const evicted: string[] = [];
    const table = new StreamTable(10, (reason) => evicted.push(reason));
    const parent = new Map<string, MetricStreams<Baseline>>();
    const owner = table.metric(parent, 'm');
    const b = (t: number): Baseline => ({ startTime: [0, 0], endTime: [t, 0], timeMs: t * 1000 });
    // Same hash forced: only the attribute comparison tells them apart.
    const a = table.add(owner, 42, { route: 'a' }, b(1));
    const c = table.add(owner, 42, { route: 'c' }, b(2));
    expect(owner.find(42, { route: 'a' })).toBe(a);
    expect(owner.find(42, { route: 'c' })).toBe(c);
    expect(owner.find(42, { route: 'x' })).toBeUndefined();
    table.remove(a);
    expect(owner.find(42, { route: 'a' })).toBeUndefined();
    expect(owner.find(42, { route: 'c' })).toBe(c);
    table.remove(c);
    expect(table.size).toBe(0);
    expect(parent.size).toBe(0); // an empty metric leaves nothing behind
    expect(evicted).toEqual([]);
  });

  it('hashes attribute sets independently of key order and tells values of different types apart', () => {
    expect(attributesHash({ a: '1', b: 2, c: true })).toBe(attributesHash({ c: true, b: 2, a: '1' }));
    expect(sameAttributes({ a: '1', b: 2 }, { b: 2, a: '1' })).toBe(true);
    expect(sameAttributes({ code: 200 }, { code: '200' })).toBe(false);
    expect(sameAttributes({ a: undefined }, { b: undefined })).toBe(false);
    expect(sameAttributes({ a: '1' }, { a: '1', b: '2' })).toBe(false);
    expect(sameAttributes({ tags: ['x', 'y'] }, { tags: ['x', 'y'] })).toBe(true);
    expect(attributesHash({ a: 'x', b: 'y' })).not.toBe(attributesHash({ a: 'y', b: 'x' }));
  });
});
