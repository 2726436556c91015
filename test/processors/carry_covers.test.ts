import { describe, expect, it } from 'vitest';
import { BackPressureError, type Batch, type LogPosition, ManualClock, metricBatch, type MetricBatch, withCovers } from '../../core/index.js';
import { batchFactory } from '../../processors/batch/index.js';
import { cumulativeToDeltaFactory } from '../../processors/cumulativetodelta/index.js';
import { runningHost, testContext } from '../support/context.js';
import { numbered, pointCount, rm, settle, sum } from './batch/metrics.js';
import { CapturingConsumer } from '../support/consumers.js';

/**
 * Metric → metric processors carry `covers` through to the exporter: cumulativetodelta onto its output,
 * batch merged (highest per source) onto the send that empties its buffer, and a covered batch is
 * answered only once its data left, so a refusal downstream reaches kong_metrics instead of being lost.
 */

const A = 'kong_metrics in metrics';
const B = 'kong_metrics in metrics/edge';

function covered(n: number, from: number, covers: LogPosition[]): MetricBatch {
  return withCovers(metricBatch([rm({ 'service.name': 'kong' }, [sum('m', numbered(n, from))])]), covers);
}

const coversOf = (b: Batch) => (b.signal === 'metrics' ? b.covers : undefined);

async function batchProcessor(config: Record<string, unknown>, next: CapturingConsumer) {
  const clock = new ManualClock();
  const p = batchFactory.create(batchFactory.configSchema.parse(config), testContext('batch', 'processor', { clock, pipelineId: 'metrics' }), next);
  await p.start(runningHost);
  return { p, clock };
}

describe('covers through metric processors', () => {
  it('cumulativetodelta puts the input covers on its output', async () => {
    const next = new CapturingConsumer();
    const ctd = cumulativeToDeltaFactory.create(cumulativeToDeltaFactory.configSchema.parse({ initial_value: 'keep' }), testContext('cumulativetodelta', 'processor'), next);
    await ctd.start(runningHost);
    await ctd.consume(covered(2, 1, [{ source: A, position: 77 }]));
    await ctd.consume(covered(2, 5, [{ source: A, position: 99 }]));
    expect(next.batches.map(coversOf)).toEqual([[{ source: A, position: 77 }], [{ source: A, position: 99 }]]);
    await ctd.consume(metricBatch(covered(1, 1, []).resourceMetrics));
    expect(coversOf(next.batches[2])).toBeUndefined();
  });

  it('batch merges covers, highest per source, and answers a covered batch once it was sent', async () => {
    const next = new CapturingConsumer();
    const { p, clock } = await batchProcessor({ send_batch_size: 100, timeout: '200ms' }, next);
    let firstDone = false;
    const first = p.consume(covered(3, 0, [{ source: A, position: 10 }])).then(() => (firstDone = true));
    const second = p.consume(covered(3, 3, [{ source: A, position: 30 }, { source: B, position: 5 }]));
    await p.consume(covered(3, 6, []));
    await settle();
    expect(firstDone).toBe(false);
    clock.advance(200);
    await Promise.all([first, second]);
    expect(next.batches).toHaveLength(1);
    expect(pointCount(next.batches[0])).toBe(9);
    expect(coversOf(next.batches[0])).toEqual([
      { source: A, position: 30 },
      { source: B, position: 5 },
    ]);
  });

  it('batch: a refused send rejects the covered batches in it (kong_metrics keeps their data); the covers are not passed on', async () => {
    const next = new CapturingConsumer();
    const { p, clock } = await batchProcessor({ send_batch_size: 100, timeout: '200ms' }, next);
    next.refuse = true;
    const sent = p.consume(covered(4, 0, [{ source: A, position: 40 }]));
    clock.advance(200);
    await expect(sent).rejects.toBeInstanceOf(BackPressureError);
    expect(next.batches).toEqual([]);
    next.refuse = false;
    clock.advance(5_000); // past the Retry-After the refusal asked for
    const again = p.consume(covered(4, 0, [{ source: A, position: 55 }]));
    clock.advance(200);
    await again;
    expect(next.batches.map(coversOf)).toEqual([[{ source: A, position: 55 }]]);
  });

  it('batch split by send_batch_max_size: the covers ride on the last part only, and the sender waits for it', async () => {
    const next = new CapturingConsumer();
    const { p, clock } = await batchProcessor({ send_batch_size: 4, send_batch_max_size: 4, timeout: '200ms' }, next);
    const sent = p.consume(covered(10, 0, [{ source: A, position: 100 }]));
    clock.advance(200);
    await sent;
    expect(next.batches.map(pointCount)).toEqual([4, 4, 2]);
    expect(next.batches.map(coversOf)).toEqual([undefined, undefined, [{ source: A, position: 100 }]]);
  });

  it('batch without covers still answers at once (unchanged behaviour)', async () => {
    const next = new CapturingConsumer();
    const { p } = await batchProcessor({ send_batch_size: 100, timeout: '10s' }, next);
    await p.consume(covered(3, 0, []));
    expect(next.batches).toEqual([]);
  });
});
