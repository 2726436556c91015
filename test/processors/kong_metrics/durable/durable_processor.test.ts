import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackPressureError,
  type Batch,
  type Consumer,
  type Host,
  type KongLogEntry,
  logBatch,
  ManualClock,
  type MetricBatch,
  mergeCovers,
  SelfTelemetry,
} from '../../../../core/index.js';
import { cumulativeToDeltaFactory } from '../../../../processors/cumulativetodelta/index.js';
import { WAL_REPLAYED_METRIC, WAL_SYNCS_METRIC } from '../../../../processors/kong_metrics/durable/telemetry.js';
import { recordHeader, scanSegment } from '../../../../processors/kong_metrics/durable/wal_record.js';
import { decodeEntries } from '../../../../processors/kong_metrics/durable/entry_codec.js';
import { kongMetricsConfigSchema, KongMetricsProcessor } from '../../../../processors/kong_metrics/index.js';
import { testContext } from '../../../support/context.js';
import { plainEntry } from '../entries.js';
import { flush, metricsByName, T0, total } from '../harness.js';
import { tempDirs } from '../../../support/temp.js';
import { capturingLogger } from '../../../support/logs.js';

/**
 * kong_metrics with `storage`: what the write-ahead log holds when consume() resolves, what each
 * emission says it covers, and what a restart replays — with an in-test "exporter" that records
 * positions the way otlphttp's persistent queue does.
 */

const SOURCE = 'kong_metrics in metrics/kong';
/** Removed after each test, after the hooks below have stopped what writes there. */
const tempDir = tempDirs('durable');
const stoppers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stoppers.splice(0)) await s();
});

/** Holds what it accepted and records the covers of each batch, as a persistent queue would. */
class RecordingExporter implements Consumer, Host {
  readonly batches: MetricBatch[] = [];
  readonly covered = new Map<string, number>();
  refuse = 0;

  async consume(batch: Batch): Promise<void> {
    if (batch.signal !== 'metrics') throw new Error('logs reached the exporter');
    if (this.refuse > 0) {
      this.refuse--;
      throw new BackPressureError('queue full');
    }
    this.batches.push(batch);
    mergeCovers(this.covered, batch.covers);
  }

  status(): 'running' {
    return 'running';
  }

  coveredPosition(source: string): number | undefined {
    return this.covered.get(source);
  }

  /** Request count over every batch received: what a delta backend would sum. */
  requests(): number {
    return this.batches.reduce((n, b) => n + total(metricsByName(b).get('http.server.request.count')), 0);
  }
}

interface Run {
  readonly processor: KongMetricsProcessor;
  readonly clock: ManualClock;
  readonly telemetry: SelfTelemetry;
  readonly lines: { level: number; msg: string }[];
  consume(entries: readonly KongLogEntry[]): Promise<void>;
  tick(): Promise<void>;
}

async function start(storage: string, host: Host & Consumer, config: Record<string, unknown> = {}, segmentBytes?: number, next: Consumer = host): Promise<Run> {
  const clock = new ManualClock(T0);
  const telemetry = new SelfTelemetry();
  const { logger, logs: lines } = capturingLogger({ level: 'info' });
  const ctx = { ...testContext('kong_metrics', 'processor', { clock, telemetry, pipelineId: 'metrics/kong', storage: { file_storage: storage } }), logger };
  const parsed = kongMetricsConfigSchema.parse({ interval: '10s', storage: 'file_storage', ...config });
  const processor = new KongMetricsProcessor(parsed, ctx, next, { durable: { segmentBytes } });
  await processor.start(host);
  return {
    processor,
    clock,
    telemetry,
    lines,
    consume: (entries) => processor.consume(logBatch(entries)),
    tick: async () => {
      clock.advance(10_000);
      for (let i = 0; i < 20; i++) await flush();
      await new Promise((r) => setTimeout(r, 20)); // segment deletions are real file I/O
    },
  };
}

function entries(n: number, route = 'r'): KongLogEntry[] {
  return Array.from({ length: n }, () => plainEntry({ route: { name: route } }));
}

async function walFiles(storage: string): Promise<string[]> {
  return (await readdir(join(storage, 'kong_metrics', encodeURIComponent('metrics/kong')))).sort();
}

async function walRecords(storage: string): Promise<unknown[][]> {
  const out: unknown[][] = [];
  for (const f of await walFiles(storage)) {
    const data = await readFile(join(storage, 'kong_metrics', encodeURIComponent('metrics/kong'), f));
    for (const r of scanSegment(data).records) out.push(decodeEntries(r.payload.toString()) ?? []);
  }
  return out;
}

describe('kong_metrics durable mode', () => {
  it('consume() resolves only once the entries are in the write-ahead log; an emission says how far the log it reflects goes', async () => {
    const storage = await tempDir();
    const exporter = new RecordingExporter();
    const run = await start(storage, exporter);
    stoppers.push(() => run.processor.shutdown());
    await run.consume(entries(3));
    expect((await walRecords(storage)).map((r) => r.length)).toEqual([3]);
    await run.consume(entries(2));
    expect((await walRecords(storage)).map((r) => r.length)).toEqual([3, 2]);

    await run.tick();
    expect(exporter.batches).toHaveLength(1);
    const [file] = await walFiles(storage);
    const size = (await readFile(join(storage, 'kong_metrics', encodeURIComponent('metrics/kong'), file))).length;
    expect(exporter.batches[0].covers).toEqual([{ source: SOURCE, position: size }]);
    expect(exporter.requests()).toBe(5);
  });

  it('200 concurrent batches: every entry counted once, far fewer fdatasyncs than batches', async () => {
    const storage = await tempDir();
    const exporter = new RecordingExporter();
    const run = await start(storage, exporter, { temporality: 'delta' });
    stoppers.push(() => run.processor.shutdown());
    await Promise.all(Array.from({ length: 200 }, (_, i) => run.consume(entries(1 + (i % 5)))));
    await run.tick();
    expect(exporter.requests()).toBe(600);
    const syncs = run.telemetry.value(WAL_SYNCS_METRIC, { processor: 'kong_metrics', pipeline: 'metrics/kong' });
    expect(syncs).toBeGreaterThanOrEqual(2);
    expect(syncs).toBeLessThanOrEqual(20);
  });

  it.each(['cumulative', 'delta'])('%s: a crash after an emission replays exactly the entries accepted after it', async (temporality) => {
    const storage = await tempDir();
    const exporter = new RecordingExporter();
    const first = await start(storage, exporter, { temporality });
    await first.consume(entries(4, 'a'));
    await first.consume(entries(3, 'b'));
    await first.tick();
    await first.consume(entries(5, 'c'));
    // kill -9: no shutdown, no final emission. The exporter keeps what it recorded.
    const before = exporter.batches.length;

    const second = await start(storage, exporter, { temporality });
    stoppers.push(() => second.processor.shutdown());
    expect(second.telemetry.value(WAL_REPLAYED_METRIC, { processor: 'kong_metrics', pipeline: 'metrics/kong' })).toBe(5);
    await second.tick();
    const after = exporter.batches.slice(before);
    expect(after).toHaveLength(1);
    expect(total(metricsByName(after[0]).get('http.server.request.count'))).toBe(5);
    expect(exporter.requests()).toBe(12);
    expect(second.lines.some((l) => l.msg.includes('replayed accepted entries'))).toBe(true);
  });

  it('an exporter that recorded nothing (no position): the whole retained log is replayed', async () => {
    const storage = await tempDir();
    const first = await start(storage, new RecordingExporter());
    await first.consume(entries(4));
    await first.consume(entries(2));
    const fresh = new RecordingExporter();
    const second = await start(storage, fresh);
    stoppers.push(() => second.processor.shutdown());
    await second.tick();
    expect(fresh.requests()).toBe(6);
  });

  it('a record of another layout (an older kongtel) is skipped, counted in one error line, and never read into other fields', async () => {
    const storage = await tempDir();
    const first = await start(storage, new RecordingExporter());
    await first.consume(entries(2));
    await first.processor.shutdown();
    // Version 1's layout: one bare 9-slot tuple per entry, no fingerprint.
    const old = Buffer.from(JSON.stringify([['orders', 'orders-route', 'default', null, ['GET', 120, null], [200, 900], [40, 2, 35], 'upstream', null]]));
    const [file] = await walFiles(storage);
    await appendFile(join(storage, 'kong_metrics', encodeURIComponent('metrics/kong'), file), Buffer.concat([recordHeader(old), old]));

    const fresh = new RecordingExporter();
    const second = await start(storage, fresh);
    stoppers.push(() => second.processor.shutdown());
    await second.tick();
    expect(fresh.requests()).toBe(2);
    const skipped = second.lines.filter((l) => l.level === 50 && l.msg.includes('skipped write-ahead log records it cannot read'));
    expect(skipped.map((l) => (l as { records?: number }).records)).toEqual([1]);
  });

  it('a write-ahead log directory it cannot use: the error names the key, the cause and the fix, not a generic "make it writable"', async () => {
    const storage = await tempDir();
    // Where the processor's directory should be, a file (a leftover, a wrong volume layout).
    await writeFile(join(storage, 'kong_metrics'), 'not a directory');
    const err = await start(storage, new RecordingExporter()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const message = (err as Error).message;
    expect(message).toMatch(/^processors\.kong_metrics\.storage: cannot use ".*" for the write-ahead log: /);
    expect(message).toContain('a part of the path is a file, not a directory: point the key at a directory (ENOTDIR)');
    expect(message).not.toContain('make it a writable directory');
  });

  it('delta: a refused emission keeps its deltas, and the next one carries them with the newer position; nothing is counted twice', async () => {
    const storage = await tempDir();
    const exporter = new RecordingExporter();
    const run = await start(storage, exporter, { temporality: 'delta' });
    await run.consume(entries(4));
    exporter.refuse = 1;
    await run.tick();
    expect(exporter.batches).toHaveLength(0);
    await run.consume(entries(3));
    await run.tick();
    expect(exporter.batches).toHaveLength(1);
    expect(exporter.requests()).toBe(7);
    const position = exporter.covered.get(SOURCE) as number;
    // A crash now replays nothing: the one delivered batch covers the whole log.
    const again = await start(storage, exporter, { temporality: 'delta' });
    stoppers.push(() => again.processor.shutdown());
    await again.tick();
    expect(exporter.requests()).toBe(7);
    expect(exporter.covered.get(SOURCE)).toBe(position);
  });

  it('a refused final emission at shutdown is not lost: the next start replays it', async () => {
    const storage = await tempDir();
    const exporter = new RecordingExporter();
    const run = await start(storage, exporter);
    await run.consume(entries(6));
    exporter.refuse = 1;
    await run.processor.shutdown();
    expect(run.lines.some((l) => l.level === 40 && l.msg.includes('stay in the write-ahead log'))).toBe(true);
    expect(run.telemetry.sum('kongtel_processor_dropped_metric_points_total')).toBe(0);
    const next = await start(storage, exporter);
    await next.processor.shutdown();
    expect(exporter.requests()).toBe(6);
  });

  it('segments the exporters hold are deleted after each emission; the active one stays', async () => {
    const storage = await tempDir();
    const exporter = new RecordingExporter();
    const run = await start(storage, exporter, {}, 2048);
    stoppers.push(() => run.processor.shutdown());
    for (let i = 0; i < 20; i++) await run.consume(entries(5));
    expect((await walFiles(storage)).length).toBeGreaterThan(3);
    await run.tick();
    expect(await walFiles(storage)).toHaveLength(1);
    expect(run.telemetry.value('kongtel_processor_kong_metrics_wal_bytes', { processor: 'kong_metrics', pipeline: 'metrics/kong' })).toBeGreaterThan(0);
  });

  it('a series created in the very millisecond of an emission still reaches cumulativetodelta whole (initial_value: auto)', async () => {
    const storage = await tempDir();
    const exporter = new RecordingExporter();
    const clock = new ManualClock(T0);
    const ctd = cumulativeToDeltaFactory.create(cumulativeToDeltaFactory.configSchema.parse({}), testContext('cumulativetodelta', 'processor', { clock }), exporter);
    await ctd.start(exporter);
    const run = await start(storage, exporter, {}, undefined, ctd);
    // The processor's clock and the consume share this millisecond; shutdown emits at once.
    await run.consume(entries(3));
    await run.processor.shutdown();
    expect(exporter.requests()).toBe(3);
    expect(exporter.batches[0].covers?.[0].source).toBe(SOURCE);
  });
});
