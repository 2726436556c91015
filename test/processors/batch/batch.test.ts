import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  BackPressureError,
  type Consumer,
  logBatch,
  ManualClock,
  metricBatch,
  type MetricBatch,
  PermanentError,
  SelfMetric,
  SelfTelemetry,
} from '../../../core/index.js';
import { batchFactory, type BatchProcessor } from '../../../processors/batch/index.js';
import { BATCH_SENDS, BUFFERED_POINTS, REFUSED_POINTS } from '../../../processors/batch/telemetry.js';
import { runningHost, testContext } from '../../support/context.js';
import { numbered, pointCount, points, rm, settle, sum, values } from './metrics.js';
import { CapturingConsumer, GatedConsumer } from '../../support/consumers.js';
import { gaugeMetric } from '../../support/metric_data.js';

const LABELS = { processor: 'batch', pipeline: 'metrics' };

async function setup(config: Record<string, unknown>, next: Consumer = new CapturingConsumer()) {
  const clock = new ManualClock();
  const telemetry = new SelfTelemetry();
  const ctx = testContext('batch', 'processor', { clock, telemetry, pipelineId: 'metrics' });
  const processor = batchFactory.create(batchFactory.configSchema.parse(config), ctx, next) as BatchProcessor;
  await processor.start(runningHost);
  return { clock, telemetry, processor };
}

const sizes = (next: CapturingConsumer | GatedConsumer) => next.batches.map(pointCount);

describe('batch processor', () => {
  it('sends when send_batch_size points are waiting — the whole buffer, the size is a trigger not a cap', async () => {
    const next = new CapturingConsumer();
    const { telemetry, processor } = await setup({ send_batch_size: 100, timeout: '10s' }, next);
    await processor.consume(points(60));
    expect(sizes(next)).toEqual([]);
    await processor.consume(points(50, 60));
    await settle();
    expect(sizes(next)).toEqual([110]);
    expect(values(next.batches[0])).toEqual(Array.from({ length: 110 }, (_, i) => i));
    expect(telemetry.value(BATCH_SENDS, { ...LABELS, trigger: 'size' })).toBe(1);
    expect(processor.buffered).toBe(0);
  });

  it('sends a partial batch `timeout` after its first point arrived', async () => {
    const next = new CapturingConsumer();
    const { clock, telemetry, processor } = await setup({ send_batch_size: 100, timeout: '200ms' }, next);
    await processor.consume(points(10));
    clock.advance(150);
    await processor.consume(points(10, 10)); // does not restart the clock
    clock.advance(49);
    await settle();
    expect(sizes(next)).toEqual([]);
    expect(telemetry.value(BUFFERED_POINTS, LABELS)).toBe(20);
    clock.advance(1);
    await settle();
    expect(sizes(next)).toEqual([20]);
    expect(telemetry.value(BATCH_SENDS, { ...LABELS, trigger: 'timeout' })).toBe(1);
    // The next point starts a new wait.
    await processor.consume(points(5, 20));
    clock.advance(199);
    await settle();
    expect(sizes(next)).toEqual([20]);
    clock.advance(1);
    await settle();
    expect(sizes(next)).toEqual([20, 5]);
  });

  it('timeout 0 sends every batch at once', async () => {
    const next = new CapturingConsumer();
    const { processor } = await setup({ send_batch_size: 100, timeout: 0 }, next);
    await processor.consume(points(3));
    await processor.consume(points(4, 3));
    await settle();
    expect(sizes(next)).toEqual([3, 4]);
  });

  it.each([
    [400, [150, 150, 100], []],
    [430, [150, 150, 130], []],
    [390, [150, 150], [90]],
  ])('send_batch_max_size 150 (size 100): %i points leave as %j, then %j on the timeout', async (n, now, later) => {
    const next = new CapturingConsumer();
    const { clock, processor } = await setup({ send_batch_size: 100, send_batch_max_size: 150, timeout: '1s' }, next);
    await processor.consume(points(n));
    await settle();
    expect(sizes(next)).toEqual(now);
    clock.advance(1000);
    await settle();
    expect(sizes(next)).toEqual([...now, ...later]);
    // Split inside one metric at data-point granularity: every point once, in order, metric intact.
    expect(next.batches.flatMap((b) => values(b))).toEqual(Array.from({ length: n }, (_, i) => i));
    for (const b of next.batches as MetricBatch[]) {
      expect(b.resourceMetrics[0].resource.attributes).toEqual({ 'service.name': 'kong' });
      expect(b.resourceMetrics[0].scopeMetrics[0].metrics[0].descriptor.name).toBe('m');
    }
  });

  it('splits across metrics and resources in arrival order', async () => {
    const next = new CapturingConsumer();
    const { processor } = await setup({ send_batch_size: 5, send_batch_max_size: 5, timeout: '1s' }, next);
    await processor.consume(
      metricBatch([rm({ 'service.name': 'a' }, [sum('x', numbered(3)), sum('y', numbered(3, 3))]), rm({ 'service.name': 'b' }, [sum('z', numbered(4, 6))])]),
    );
    await settle();
    expect(sizes(next)).toEqual([5, 5]);
    const shape = (b: MetricBatch) =>
      b.resourceMetrics.map((r) => [r.resource.attributes['service.name'], r.scopeMetrics[0].metrics.map((m) => [m.descriptor.name, m.dataPoints.length])]);
    expect(shape(next.batches[0] as MetricBatch)).toEqual([['a', [['x', 3], ['y', 2]]]]);
    expect(shape(next.batches[1] as MetricBatch)).toEqual([
      ['a', [['y', 1]]],
      ['b', [['z', 4]]],
    ]);
  });

  it('merges equal resources, scopes and metrics (name + unit + type) and keeps the rest apart', async () => {
    const next = new CapturingConsumer();
    const { processor } = await setup({ send_batch_size: 1000, timeout: '1s' }, next);
    const kong = { 'service.name': 'kong', 'host.name': 'k1' };
    await processor.consume(metricBatch([rm(kong, [sum('requests', numbered(1, 0)), gaugeMetric('connections', numbered(1, 100))], { version: '1' })]));
    // Same resource (another object, other key order), same scope: points join the existing metrics.
    await processor.consume(
      metricBatch([
        rm({ 'host.name': 'k1', 'service.name': 'kong' }, [
          sum('requests', numbered(1, 1)),
          sum('requests', numbered(1, 200), { unit: 'By' }), // other unit
          gaugeMetric('requests', numbered(1, 300)), // other type
          sum('requests', numbered(1, 400), { monotonic: false }), // other monotonicity
        ], { version: '1' }),
      ]),
    );
    await processor.consume(metricBatch([rm(kong, [sum('requests', numbered(1, 2))], { version: '2' })])); // other scope version
    await processor.consume(metricBatch([rm({ 'service.name': 'kong', 'host.name': 'k2' }, [sum('requests', numbered(1, 3))], { version: '1' })]));
    await processor.shutdown();
    expect(next.batches).toHaveLength(1);
    const out = next.batches[0] as MetricBatch;
    const view = out.resourceMetrics.map((r) => ({
      host: r.resource.attributes['host.name'],
      scopes: r.scopeMetrics.map((s) => ({
        version: s.scope.version,
        metrics: s.metrics.map((m) => [m.descriptor.name, m.descriptor.unit, m.dataPointType, (m.dataPoints as DataPoint<number>[]).map((p) => p.value)]),
      })),
    }));
    expect(view).toEqual([
      {
        host: 'k1',
        scopes: [
          {
            version: '1',
            metrics: [
              ['requests', '1', 3, [0, 1]],
              ['connections', '1', 2, [100]],
              ['requests', 'By', 3, [200]],
              ['requests', '1', 2, [300]],
              ['requests', '1', 3, [400]],
            ],
          },
          { version: '2', metrics: [['requests', '1', 3, [2]]] },
        ],
      },
      { host: 'k2', scopes: [{ version: '1', metrics: [['requests', '1', 3, [3]]] }] },
    ]);
    expect(out.resourceMetrics[0].scopeMetrics[0].metrics[4]).toMatchObject({ isMonotonic: false });
    expect(out.resourceMetrics[0].scopeMetrics[0].metrics[0].descriptor.description).toBe('requests help');
  });

  it('never modifies the batches it is given', async () => {
    const next = new CapturingConsumer();
    const { processor } = await setup({ send_batch_size: 4, send_batch_max_size: 4, timeout: '1s' }, next);
    const a = points(3);
    const b = points(3, 3);
    for (const x of [a, b]) {
      for (const r of x.resourceMetrics) for (const s of r.scopeMetrics) Object.freeze(s.metrics.map((m) => Object.freeze(m.dataPoints)));
      Object.freeze(x.resourceMetrics);
    }
    await processor.consume(a);
    await processor.consume(b);
    await processor.shutdown();
    expect(sizes(next)).toEqual([4, 2]);
    expect(values(a)).toEqual([0, 1, 2]);
    expect(values(b)).toEqual([3, 4, 5]);
  });

  it('flushes everything on shutdown, then refuses new data with back-pressure', async () => {
    const next = new CapturingConsumer();
    const { telemetry, processor } = await setup({ send_batch_size: 100, send_batch_max_size: 100, timeout: '1h' }, next);
    await processor.consume(points(250));
    await settle();
    expect(sizes(next)).toEqual([100, 100]);
    await processor.shutdown();
    expect(sizes(next)).toEqual([100, 100, 50]);
    expect(telemetry.value(BATCH_SENDS, { ...LABELS, trigger: 'shutdown' })).toBe(1);
    await expect(processor.consume(points(1))).rejects.toBeInstanceOf(BackPressureError);
  });

  it('sends one batch at a time, in order, and refuses with back-pressure once 10 × send_batch_size points wait', async () => {
    const next = new GatedConsumer();
    const { telemetry, processor } = await setup({ send_batch_size: 10, timeout: '1s' }, next);
    await processor.consume(points(10)); // sent at once; the next component holds it
    await processor.consume(points(50, 10));
    await processor.consume(points(50, 60)); // 100 waiting: at the limit, still accepted
    const refused = processor.consume(points(1, 110));
    await expect(refused).rejects.toBeInstanceOf(BackPressureError);
    await expect(refused).rejects.toThrow('processor batch: 100 data points are waiting to be sent (limit 100 = 10 × send_batch_size); retry later');
    expect(telemetry.value(REFUSED_POINTS, LABELS)).toBe(1);
    expect(processor.buffered).toBe(100);
    next.open();
    await settle();
    expect(sizes(next)).toEqual([10, 100]);
    expect(next.maxInFlight).toBe(1);
    expect(next.batches.flatMap((b) => values(b))).toEqual(Array.from({ length: 110 }, (_, i) => i));
    expect(telemetry.value(SelfMetric.processorIncomingItems, LABELS)).toBe(110);
    expect(telemetry.value(SelfMetric.processorOutgoingItems, LABELS)).toBe(110);
  });

  it('a batch the next component refuses is dropped and counted; new data is refused for its Retry-After', async () => {
    const next = new CapturingConsumer();
    const { clock, telemetry, processor } = await setup({ send_batch_size: 10, timeout: '1s' }, next);
    next.refuse = true; // BackPressureError, retry after 2 s
    await processor.consume(points(10));
    await settle();
    expect(telemetry.value(SelfMetric.processorDroppedMetricPoints, { ...LABELS, reason: 'downstream_refused' })).toBe(10);
    next.refuse = false;
    const during = processor.consume(points(5));
    await expect(during).rejects.toBeInstanceOf(BackPressureError);
    await expect(during).rejects.toMatchObject({ retryAfterSeconds: 2 });
    clock.advance(2000);
    await processor.consume(points(10, 100));
    await settle();
    expect(sizes(next)).toEqual([10]);
    expect(values(next.batches[0])[0]).toBe(100);
    expect(telemetry.value(SelfMetric.processorOutgoingItems, LABELS)).toBe(10);
  });

  it('a batch the next component fails is dropped and counted; new data is still accepted', async () => {
    const next = new CapturingConsumer();
    const { telemetry, processor } = await setup({ send_batch_size: 10, timeout: '1s' }, next);
    next.fail = new PermanentError('backend says 400');
    await processor.consume(points(12));
    await settle();
    expect(telemetry.value(SelfMetric.processorDroppedMetricPoints, { ...LABELS, reason: 'downstream_failed' })).toBe(12);
    next.fail = undefined;
    await processor.consume(points(10));
    await settle();
    expect(sizes(next)).toEqual([10]);
  });

  it('passes a log batch on untouched and ignores empty metric batches', async () => {
    const next = new CapturingConsumer();
    const { clock, processor } = await setup({ timeout: '1s' }, next);
    const logs = logBatch([]);
    await processor.consume(logs);
    await processor.consume(metricBatch([rm({}, [sum('empty', [])])]));
    clock.advance(5000);
    await settle();
    expect(next.batches).toEqual([logs]);
  });
});
