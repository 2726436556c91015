import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, type DataPoint, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { type Batch, type Consumer, type Factory, logBatch, ManualClock, metricBatch, type MetricBatch, withCovers } from '../../../core/index.js';
import { FACTORIES } from '../../../cmd/components.js';
import { runningHost, testContext } from '../../support/context.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { OtlpStandIn } from '../../support/stand_ins/otlp_http.js';
import { plainEntry } from '../../processors/kong_metrics/entries.js';

/**
 * The audit behind the contract's batch rule: no processor or exporter in the tree changes the batch it
 * is given, so none declares `MutatesData`. Each one gets deeply frozen batches (a write throws in
 * strict mode) of every kind of data point, is shut down so held data is flushed, and must have
 * passed data on; the input must still equal what was sent.
 */

/** Freezes everything reachable except SDK `Resource`s, which memoize their attributes internally. */
function deepFreeze<T>(v: T): T {
  if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return v;
  if (!Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype) return v;
  for (const child of Object.values(v)) deepFreeze(child);
  return Object.freeze(v);
}

/** What a batch holds, resources as their attributes. */
function snapshot(b: Batch): unknown {
  if (b.signal === 'logs') return structuredClone(b.entries);
  return {
    covers: structuredClone(b.covers),
    resourceMetrics: b.resourceMetrics.map((rm) => ({ resource: { ...rm.resource.attributes }, scopeMetrics: structuredClone(rm.scopeMetrics) })),
  };
}

const RESOURCE = resourceFromAttributes({ 'service.name': 'kong', 'service.instance.id': 'kong:8100' });

function metrics(step: number): MetricBatch {
  const t = (s: number): [number, number] => [1_700_000_000 + s, 0];
  const attributes = { route: 'orders', code: '200' };
  const all: MetricData[] = [
    {
      descriptor: { name: 'kong_http_requests_total', description: '', unit: '', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [
        { startTime: t(0), endTime: t(step), attributes: { service: 'orders', route: 'r', code: '200', source: 'upstream' }, value: 10 * step },
      ],
    },
    {
      descriptor: { name: 'requests', description: '', unit: '1', valueType: ValueType.INT },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [
        { startTime: t(0), endTime: t(step), attributes, value: 5 * step },
        { startTime: t(0), endTime: t(step), attributes: { route: 'stale' }, value: 0, flags: 1 } as DataPoint<number>,
      ],
    },
    {
      descriptor: { name: 'deltas', description: '', unit: '1', valueType: ValueType.INT },
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPointType: DataPointType.SUM,
      isMonotonic: true,
      dataPoints: [{ startTime: t(step - 1), endTime: t(step), attributes, value: 3 }],
    },
    {
      descriptor: { name: 'connections', description: '', unit: '1', valueType: ValueType.INT },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: [{ startTime: t(step), endTime: t(step), attributes, value: 4 }],
    },
    {
      descriptor: { name: 'latency', description: '', unit: 's', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: [
        { startTime: t(0), endTime: t(step), attributes, value: { buckets: { boundaries: [0.1, 1], counts: [step, step, 0] }, sum: step, count: 2 * step, min: 0.05, max: 0.5 } },
      ],
    },
    {
      descriptor: { name: 'latency.exp', description: '', unit: 's', valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
      dataPoints: [
        {
          startTime: t(0),
          endTime: t(step),
          attributes,
          value: { count: 3 * step, sum: step, scale: 2, zeroCount: step, positive: { offset: 0, bucketCounts: [step, step] }, negative: { offset: 0, bucketCounts: [] }, min: 0, max: 1 },
        },
      ],
    },
  ];
  return withCovers(metricBatch([{ resource: RESOURCE, scopeMetrics: [{ scope: { name: 'kongtel/prometheus', version: '1' }, metrics: all }] }]), [
    { source: 'kong_metrics in metrics', position: 100 * step },
  ]);
}

function factory(type: string, kind: Factory['kind']): Factory {
  const f = FACTORIES.find((x) => x.type === type && x.kind === kind);
  if (!f) throw new Error(`no ${kind} ${type}`);
  return f;
}

const stoppers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stoppers.splice(0)) await s();
});

/** Feeds frozen batches to one component, shuts it down, and checks every input is as it was sent. */
async function feed(component: Consumer & { start(h: typeof runningHost): Promise<void>; shutdown(): Promise<void> }, batches: Batch[]): Promise<void> {
  await component.start(runningHost);
  const before = batches.map(snapshot);
  for (const b of batches) await component.consume(deepFreeze(b));
  await component.shutdown();
  expect(batches.map(snapshot)).toEqual(before);
}

describe('no processor changes the batch it is given', () => {
  const cases: [string, Record<string, unknown>, () => Batch[]][] = [
    ['kong_metrics', { interval: '1h' }, () => [logBatch([plainEntry(), plainEntry({ response: { status: 503 } })]), metrics(1), metrics(2)]],
    ['kong_metrics', { interval: '1h', drop_unmapped: true, exclude_attributes: ['kong.route.name'] }, () => [metrics(1)]],
    ['cumulativetodelta', {}, () => [metrics(1), metrics(2), metrics(3)]],
    ['cumulativetodelta', { initial_value: 'keep' }, () => [metrics(1), metrics(2)]],
    ['batch', { timeout: '1s', send_batch_size: 4 }, () => [metrics(1), metrics(2), metrics(3)]],
    ['memory_limiter', { limit_mib: 1_000_000 }, () => [logBatch([plainEntry()]), metrics(1)]],
  ];
  it.each(cases)('%s %j', async (type, raw, batches) => {
    const f = factory(type, 'processor');
    if (f.kind !== 'processor') throw new Error('not a processor');
    const next = new CapturingConsumer();
    const processor = f.create(f.configSchema.parse(raw), testContext(type, 'processor', { clock: new ManualClock(Date.now()), pipelineId: 'metrics' }), next);
    expect('mutatesData' in processor).toBe(false);
    await feed(processor, batches());
    expect(next.batches.length).toBeGreaterThan(0);
  });
});

describe('no exporter changes the batch it is given', () => {
  it.each(['proto', 'json'])('otlphttp (%s)', async (encoding) => {
    const backend = await new OtlpStandIn().start();
    stoppers.push(() => backend.stop());
    const f = factory('otlphttp', 'exporter');
    if (f.kind !== 'exporter') throw new Error('not an exporter');
    const exporter = f.create(f.configSchema.parse({ endpoint: backend.endpoint, encoding }), testContext('otlphttp', 'exporter'));
    expect('mutatesData' in exporter).toBe(false);
    await feed(exporter, [metrics(1), metrics(2)]);
    expect(backend.requests.length).toBe(2);
  });

  it('prometheus', async () => {
    const f = factory('prometheus', 'exporter');
    if (f.kind !== 'exporter') throw new Error('not an exporter');
    const exporter = f.create(f.configSchema.parse({ endpoint: '127.0.0.1:0' }), testContext('prometheus', 'exporter'));
    expect('mutatesData' in exporter).toBe(false);
    await feed(exporter, [metrics(1), metrics(2)]);
  });
});
