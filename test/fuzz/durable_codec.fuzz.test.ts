import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { entryPool } from '../../bench/fuzz/entry_pool.js';
import { batchItemArb } from '../../bench/fuzz/entry_mutation.js';
import { nodeText, toNode } from '../../bench/fuzz/json_node.js';
import { isUsableEntry } from '../../bench/fuzz/kong_oracle.js';
import { logBatch, type KongLogEntry } from '../../core/index.js';
import { collectCumulative } from '../../processors/kong_metrics/data_points.js';
import { decodeEntries, encodeEntries } from '../../processors/kong_metrics/durable/entry_codec.js';
import { kongMetricsFactory } from '../../processors/kong_metrics/index.js';
import { runningHost, testContext } from '../support/context.js';
import { deepArray, entry } from '../support/fuzz/hostile_bodies.js';
import { CapturingConsumer } from '../support/consumers.js';
import { defaultAggregator } from '../support/fuzz/aggregator.js';

/**
 * Durable mode writes each entry to its write-ahead log in a compact form and replays it after a restart:
 * for mutated entries, the replayed form must aggregate exactly as the entry did.
 */
const RUNS = Math.max(100, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 10));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

const pool = entryPool(SEED).map((e) => toNode(e));

function aggregate(entries: readonly KongLogEntry[], naming: 'otel' | 'kong' = 'otel'): string {
  const agg = defaultAggregator({ maxSeriesPerMetric: 1_000, maxSeries: 100_000, naming });
  agg.aggregate(entries, 1_000);
  return JSON.stringify(collectCumulative(agg.metrics, 2_000).metrics);
}

describe('kong_metrics durable mode over mutated entries', () => {
  it(`a replayed entry aggregates exactly as the entry did (${RUNS} batches, nesting up to 50 deep)`, () => {
    fc.assert(
      fc.property(fc.array(batchItemArb(pool, { maxStringLength: 2_000, maxDepth: 50 }), { minLength: 1, maxLength: 6 }), (items) => {
        const entries = items.map((n) => JSON.parse(nodeText(n)) as unknown).filter(isUsableEntry) as KongLogEntry[];
        const replayed = decodeEntries(encodeEntries(entries));
        expect(replayed).toBeDefined();
        expect(aggregate(replayed ?? [])).toBe(aggregate(entries));
        expect(aggregate(replayed ?? [], 'kong')).toBe(aggregate(entries, 'kong'));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  // Found by this suite: the log stored leaves as they were, so a 10 000-deep array in service.name made
  // JSON.stringify overflow the stack, consume() reject, and the batch's valid entries were lost with it.
  // The log now stores only scalar leaves (what the aggregator can use).
  it('a 10 000-deep value in service.name does not make consume() reject', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kongtel-fuzz-wal-'));
    const config = kongMetricsFactory.configSchema.parse({ storage: 'file_storage' });
    const processor = kongMetricsFactory.create(config, testContext('kong_metrics', 'processor', { pipelineId: 'metrics', storage: { file_storage: dir } }), new CapturingConsumer());
    await processor.start(runningHost);
    try {
      const hostile = JSON.parse(`${JSON.stringify(entry('deep')).slice(0, -1)},"service":{"name":${deepArray(10_000)}}}`) as KongLogEntry;
      await expect(processor.consume(logBatch([entry('fine'), hostile]))).resolves.toBeUndefined();
    } finally {
      await processor.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
