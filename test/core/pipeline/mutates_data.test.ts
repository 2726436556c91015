import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { ValueType } from '@opentelemetry/api';
import { z } from 'zod';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type Batch,
  Collector,
  type Consumer,
  fanout,
  logBatch,
  metricBatch,
  type MetricBatch,
  type MutatesData,
  parseConfig,
  type ProcessorFactory,
  silentLogger,
  withCovers,
} from '../../../core/index.js';
import { exported, FAKE_FACTORIES, fakeReceivers, resetFakes } from '../../support/fake_factories.js';

/**
 * The contract's batch rule (core/component.ts): consumers share the very batch unless they declare
 * `MutatesData`; then the fan-out hands each of them a copy of its own.
 */

function sumBatch(): MetricBatch {
  const metric: MetricData = {
    descriptor: { name: 'requests', description: '', unit: '1', valueType: ValueType.INT },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: [{ startTime: [1, 0], endTime: [2, 0], attributes: { route: 'a' }, value: 7 }],
  };
  return withCovers(
    metricBatch([{ resource: resourceFromAttributes({ 'service.name': 'kong' }), scopeMetrics: [{ scope: { name: 's' }, metrics: [metric] }] }]),
    [{ source: 'kong_metrics in metrics', position: 42 }],
  );
}

function firstPoint(b: Batch): { attributes: Record<string, unknown>; value: unknown } {
  if (b.signal !== 'metrics') throw new Error('expected metrics');
  return b.resourceMetrics[0].scopeMetrics[0].metrics[0].dataPoints[0] as { attributes: Record<string, unknown>; value: unknown };
}

/** What a processor that rewrites attributes in place would do. */
function rewrite(batch: Batch): void {
  const p = firstPoint(batch);
  p.attributes.route = 'rewritten';
  p.value = 0;
}

class Rewriter implements Consumer {
  readonly seen: Batch[] = [];
  async consume(batch: Batch): Promise<void> {
    this.seen.push(batch);
    rewrite(batch);
  }
}
class DeclaredRewriter extends Rewriter implements MutatesData {
  readonly mutatesData = true;
}
class Reader implements Consumer {
  readonly seen: Batch[] = [];
  async consume(batch: Batch): Promise<void> {
    this.seen.push(batch);
  }
}

describe('fanout and MutatesData', () => {
  it('consumers that do not declare it share the very batch; a single one is used as it is', async () => {
    const a = new Reader();
    const b = new Reader();
    const batch = sumBatch();
    await fanout([a, b]).consume(batch);
    expect(a.seen[0]).toBe(batch);
    expect(b.seen[0]).toBe(batch);
    expect(fanout([a])).toBe(a);
  });

  it('each consumer that declares it gets a deep copy; the others, and the sender, still see the original', async () => {
    const reader = new Reader();
    const first = new DeclaredRewriter();
    const second = new DeclaredRewriter();
    const batch = sumBatch();
    await fanout([first, reader, second]).consume(batch);
    expect(firstPoint(first.seen[0])).toMatchObject({ attributes: { route: 'rewritten' }, value: 0 });
    expect(first.seen[0]).not.toBe(second.seen[0]);
    expect(firstPoint(second.seen[0])).toMatchObject({ attributes: { route: 'rewritten' }, value: 0 });
    expect(reader.seen[0]).toBe(batch);
    expect(firstPoint(batch)).toEqual({ startTime: [1, 0], endTime: [2, 0], attributes: { route: 'a' }, value: 7 });
    // The copy keeps what durable mode put on the batch, and the (immutable) resource.
    const copy = first.seen[0] as MetricBatch;
    expect(copy.covers).toEqual([{ source: 'kong_metrics in metrics', position: 42 }]);
    expect(copy.resourceMetrics[0].resource).toBe(batch.resourceMetrics[0].resource);
  });

  it('a lone consumer that declares it gets a copy too: the sender may still hold references into the batch', async () => {
    const alone = new DeclaredRewriter();
    const batch = sumBatch();
    await fanout([alone]).consume(batch);
    expect(alone.seen[0]).not.toBe(batch);
    expect(firstPoint(batch).value).toBe(7);
  });

  it('copies Kong log entries as well', async () => {
    const entries = [{ request: { method: 'GET' }, response: { status: 200 } }];
    const changer: Consumer & MutatesData = {
      mutatesData: true,
      consume: async (b) => {
        if (b.signal === 'logs') (b.entries[0].request as { method: string }).method = 'POST';
      },
    };
    await fanout([changer]).consume(logBatch(entries));
    expect(entries[0].request.method).toBe('GET');
  });
});

describe('in the running collector', () => {
  beforeEach(resetFakes);

  /** A processor that rewrites points in place; `declared` says whether it says so. */
  function rewriting(declared: boolean): ProcessorFactory<Record<string, never>> {
    return {
      kind: 'processor',
      type: 'rewrite',
      accepts: ['metrics'],
      produces: () => 'metrics',
      configSchema: z.strictObject({}),
      create(_config, _ctx, next) {
        const processor = {
          start: async () => {},
          shutdown: async () => {},
          consume: async (batch: Batch) => {
            rewrite(batch);
            await next.consume(batch);
          },
        };
        return declared ? { ...processor, mutatesData: true as const } : processor;
      },
    };
  }

  const CONFIG = `
receivers: { otlp: }
processors: { rewrite: }
exporters: { prometheus/rewritten: , prometheus/plain: }
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics/rewritten: { receivers: [otlp], processors: [rewrite], exporters: [prometheus/rewritten] }
    metrics/plain: { receivers: [otlp], exporters: [prometheus/plain] }
`;

  async function run(declared: boolean): Promise<{ rewritten: Batch; plain: Batch; sent: MetricBatch }> {
    const collector = new Collector(parseConfig(CONFIG, 'c.yaml', [...FAKE_FACTORIES, rewriting(declared)], {}), { logger: silentLogger() });
    await collector.start();
    const sent = sumBatch();
    await fakeReceivers.get('otlp')?.send(sent);
    await collector.shutdown();
    const rewritten = exported.get('prometheus/rewritten')?.[0];
    const plain = exported.get('prometheus/plain')?.[0];
    if (!rewritten || !plain) throw new Error('an exporter got nothing');
    return { rewritten, plain, sent };
  }

  it('a processor that declares MutatesData changes its own copy: the other pipeline, sharing the receiver, sees the data as sent', async () => {
    const { rewritten, plain, sent } = await run(true);
    expect(firstPoint(rewritten)).toMatchObject({ attributes: { route: 'rewritten' }, value: 0 });
    expect(firstPoint(plain)).toMatchObject({ attributes: { route: 'a' }, value: 7 });
    expect(plain).toBe(sent);
  });

  it('one that does not declare it breaks the rule, and the other pipeline sees its change (why the declaration exists)', async () => {
    const { plain } = await run(false);
    expect(firstPoint(plain)).toMatchObject({ attributes: { route: 'rewritten' }, value: 0 });
  });
});
