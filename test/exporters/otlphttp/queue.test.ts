import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BackPressureError, ManualClock, SelfMetric } from '../../../core/index.js';
import { runningHost } from '../../support/context.js';
import { OtlpStandIn, startOtlpStandIn } from '../../support/stand_ins/otlp_http.js';
import { harness, sumBatch } from './fixtures.js';
import { until } from '../../support/wait.js';
import { tempDirs } from '../../support/temp.js';
import { ERROR } from '../../support/logs.js';

/** Removed after each test, after the hooks below have stopped what writes there. */
const tempDir = tempDirs('otlphttp');
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const otlp = (): Promise<OtlpStandIn> => startOtlpStandIn(cleanups);

const ID = { exporter: 'otlphttp' };

/** The request files in a queue directory (covered.json beside them is the queue's own bookkeeping). */
async function requestFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.req'));
}
/** The persistent queue keeps each exporter's requests in a folder named after its id. */
const QUEUE_DIR = 'otlphttp';

describe('otlphttp sending queue', () => {
  it('a full queue rejects consume() with BackPressureError and counts the points; the queue drains once the backend is up', async () => {
    const s = await otlp();
    await s.server.goDown();
    const h = harness({ endpoint: s.endpoint, sending_queue: { num_consumers: 1, queue_size: 2 } });
    await h.exporter.start(runningHost);
    await h.exporter.consume(sumBatch('m', [1]));
    await h.exporter.consume(sumBatch('m', [2]));
    const err = await h.exporter.consume(sumBatch('m', [4, 4, 4])).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(BackPressureError);
    expect((err as BackPressureError).message).toBe('exporter otlphttp: sending queue full (2 requests); the backend is slow or down');
    expect(h.telemetry.value(SelfMetric.exporterEnqueueFailedMetricPoints, { ...ID, reason: 'queue_full' })).toBe(3);
    expect(h.telemetry.value(SelfMetric.exporterQueueSize, ID)).toBe(2);
    expect(h.telemetry.value(SelfMetric.exporterQueueCapacity, ID)).toBe(2);

    await s.server.comeUp();
    await until('both queued requests', () => s.received.pointCount() === 2);
    await until('an empty queue', () => h.telemetry.value(SelfMetric.exporterQueueSize, ID) === 0);
    expect(s.received.total('m')).toBe(3);
    await h.exporter.shutdown();
  });

  it('memory queue: what the backend did not take by shutdown is logged and counted as lost', async () => {
    const s = await otlp();
    await s.server.goDown();
    const h = harness({ endpoint: s.endpoint, timeout: '200ms' });
    await h.exporter.start(runningHost);
    for (const values of [[1], [1, 1], [1, 1, 1]]) await h.exporter.consume(sumBatch('m', values));
    await h.exporter.shutdown();

    expect(h.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { ...ID, reason: 'shutdown' })).toBe(6);
    const errors = h.lines.filter((l) => l.level === ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ requests: 3, points: 6 });
    const refused = await h.exporter.consume(sumBatch('m', [1])).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BackPressureError);
  });

  describe('persistent queue (sending_queue.storage)', () => {
    it('keeps requests on disk across a clean shutdown; the next start delivers each exactly once, in order, and empties the directory', async () => {
      const s = await otlp();
      await s.server.goDown();
      const storage = await tempDir();
      const config = { endpoint: s.endpoint, timeout: '200ms', sending_queue: { storage: 'file_storage', num_consumers: 1 } };

      const first = harness(config, { storage });
      await first.exporter.start(runningHost);
      for (let i = 1; i <= 5; i++) {
        await first.exporter.consume(sumBatch('m', [i]));
        // consume() resolved: the request is on disk (fsync'd, renamed) before the receiver would answer 2xx.
        expect((await readdir(join(storage, QUEUE_DIR))).filter((f) => f.endsWith('.req'))).toHaveLength(i);
      }
      await first.exporter.shutdown();
      expect(await requestFiles(join(storage, QUEUE_DIR))).toHaveLength(5);
      expect(first.telemetry.value(SelfMetric.exporterSendFailedMetricPoints, { ...ID, reason: 'shutdown' })).toBe(0);

      await s.server.comeUp();
      const second = harness(config, { storage });
      await second.exporter.start(runningHost);
      await until('five requests', () => s.received.pointCount() === 5);
      await second.exporter.shutdown();

      expect(s.requests.map((q) => q.status)).toEqual([200, 200, 200, 200, 200]);
      expect(s.received.points('m').map((p) => p.value)).toEqual([1, 2, 3, 4, 5]);
      expect(await requestFiles(join(storage, QUEUE_DIR))).toEqual([]);
      expect(second.telemetry.value(SelfMetric.exporterSentMetricPoints, ID)).toBe(5);
    });

    it('survives a crash (no shutdown); a torn temp file and a truncated request file are removed on start', async () => {
      const s = await otlp();
      await s.server.goDown();
      const storage = await tempDir();
      const config = { endpoint: s.endpoint, sending_queue: { storage: 'file_storage', num_consumers: 2 } };

      // The crashed instance: its clock never moves again, so after the first refused connection it
      // never retries — as if the process had been killed with requests on disk, some of them in flight.
      const crashed = harness(config, { clock: new ManualClock(), storage });
      await crashed.exporter.start(runningHost);
      for (let i = 1; i <= 4; i++) await crashed.exporter.consume(sumBatch('m', [i * 10]));
      const dir = join(storage, QUEUE_DIR);
      // What a kill -9 in the middle of writing leaves, and a file cut short by a broken disk.
      await writeFile(join(dir, '0000000000000005.req.tmp'), Buffer.from('KTQ1 half a reque'));
      const header = Buffer.alloc(16);
      header.write('KTQ1', 0, 'latin1');
      header.writeUInt32BE(1, 8); // points
      header.writeUInt32BE(1000, 12); // body length promised, 5 bytes present
      await writeFile(join(dir, '0000000000000006.req'), Buffer.concat([header, Buffer.from('short')]));

      await s.server.comeUp();
      const restarted = harness(config, { storage });
      await restarted.exporter.start(runningHost);
      expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
      await until('four requests', () => s.received.pointCount() === 4);
      await until('an empty queue', () => restarted.telemetry.value(SelfMetric.exporterQueueSize, ID) === 0);
      await restarted.exporter.shutdown();

      expect(s.requests.map((q) => q.status)).toEqual([200, 200, 200, 200]);
      expect(s.received.total('m')).toBe(100);
      expect(s.received.points('m').map((p) => p.value).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([10, 20, 30, 40]);
      expect(await requestFiles(dir)).toEqual([]);
      expect(restarted.lines.filter((l) => l.level === ERROR).map((l) => l.problem)).toEqual(['truncated (5 of 1000 body bytes)']);
      expect(restarted.lines.some((l) => l.msg.startsWith('removed unfinished queue files'))).toBe(true);
    });

    it('refuses to start on an unusable storage path, naming the key and the fix', async () => {
      const storage = await tempDir();
      await writeFile(join(storage, 'file'), 'not a directory');
      const h = harness({ endpoint: 'http://127.0.0.1:9/', sending_queue: { storage: 'file_storage' } }, { storage: join(storage, 'file') });
      await expect(h.exporter.start(runningHost)).rejects.toThrow(
        /^exporters\.otlphttp\.sending_queue\.storage: cannot use ".*file" \(extensions\.file_storage\.directory\) for the persistent queue: cannot create the directory .*file\/otlphttp: a part of the path is a file, not a directory: point the key at a directory \(ENOTDIR\)$/,
      );
    });
  });
});
