import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogPosition, metricBatch, type MetricBatch, withCovers } from '../../../core/index.js';
import { otlpHttpExporterFactory } from '../../../exporters/otlphttp/index.js';
import { runningHost } from '../../support/context.js';
import { OtlpStandIn, startOtlpStandIn } from '../../support/stand_ins/otlp_http.js';
import { harness, handResource, handSum, parseConfig } from './fixtures.js';
import { until } from '../../support/wait.js';
import { tempDirs } from '../../support/temp.js';

/**
 * otlphttp's side of durable mode: a request carries its write-ahead-log positions in its own queue file,
 * `coveredPositions()` reports the highest per source among what the queue holds or held, and that
 * survives restarts, deliveries and a crash between the request file and covered.json.
 */

/** Removed after each test, after the hooks below have stopped what writes there. */
const tempDir = tempDirs('covered');
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const backend = (): Promise<OtlpStandIn> => startOtlpStandIn(cleanups);

function batch(value: number, covers?: LogPosition[]): MetricBatch {
  return withCovers(metricBatch([handResource([handSum({ name: 'm', values: [value] })])]), covers);
}

async function exporter(storage: string, endpoint: string) {
  const h = harness({ endpoint, timeout: '300ms', sending_queue: { storage: 'file_storage', num_consumers: 1 } }, { storage });
  await h.exporter.start(runningHost);
  cleanups.push(() => h.exporter.shutdown());
  return h;
}

const A = 'kong_metrics in metrics';
const B = 'kong_metrics in metrics/edge';

describe('otlphttp: log positions in the persistent queue', () => {
  it('stores covers in the request file; coveredPositions is the highest per source, before and after delivery and across restarts', async () => {
    const storage = await tempDir();
    const s = await backend();
    await s.server.goDown();
    const first = await exporter(storage, s.endpoint);
    expect(first.exporter.coveredPositions().size).toBe(0);
    await first.exporter.consume(batch(1, [{ source: A, position: 100 }]));
    await first.exporter.consume(batch(2, [{ source: A, position: 250 }, { source: B, position: 40 }]));
    await first.exporter.consume(batch(3));
    expect(Object.fromEntries(first.exporter.coveredPositions())).toEqual({ [A]: 250, [B]: 40 });
    const files = (await readdir(join(storage, 'otlphttp'))).filter((f) => f.endsWith('.req')).sort();
    expect(files).toHaveLength(3);
    const heads = await Promise.all(files.map(async (f) => (await readFile(join(storage, 'otlphttp', f))).subarray(0, 4).toString('latin1')));
    expect(heads).toEqual(['KTQ2', 'KTQ2', 'KTQ1']);
    await first.exporter.shutdown();

    // Backend still down: the positions come back from the queue.
    const second = await exporter(storage, s.endpoint);
    expect(Object.fromEntries(second.exporter.coveredPositions())).toEqual({ [A]: 250, [B]: 40 });
    await s.server.comeUp();
    await until('the three queued requests', () => s.received.pointCount() === 3);
    await second.exporter.shutdown();
    expect((await readdir(join(storage, 'otlphttp'))).filter((f) => f.endsWith('.req'))).toEqual([]);

    // Every request delivered and deleted: covered.json remembers.
    const third = await exporter(storage, s.endpoint);
    expect(Object.fromEntries(third.exporter.coveredPositions())).toEqual({ [A]: 250, [B]: 40 });
    expect(JSON.parse(await readFile(join(storage, 'otlphttp', 'covered.json'), 'utf8'))).toEqual({ version: 1, covered: { [A]: 250, [B]: 40 }, through_seq: 3 });
    // Positions never go back, whatever order requests come in.
    await third.exporter.consume(batch(4, [{ source: A, position: 200 }]));
    expect(third.exporter.coveredPositions().get(A)).toBe(250);
  });

  it('a crash between a request file and covered.json: the file alone restores the position', async () => {
    const storage = await tempDir();
    const s = await backend();
    await s.server.goDown();
    const first = await exporter(storage, s.endpoint);
    await first.exporter.consume(batch(1, [{ source: A, position: 500 }]));
    await first.exporter.shutdown();
    // As if the process died right after the request's rename: covered.json never got position 500.
    await writeFile(join(storage, 'otlphttp', 'covered.json'), JSON.stringify({ version: 1, covered: { [A]: 10 } }));

    const second = await exporter(storage, s.endpoint);
    expect(second.exporter.coveredPositions().get(A)).toBe(500);
    await s.server.comeUp();
    await until('the queued request', () => s.received.pointCount() === 1);
    await second.exporter.shutdown();
    // covered.json was brought up to date before the file was deleted.
    expect(JSON.parse(await readFile(join(storage, 'otlphttp', 'covered.json'), 'utf8')).covered[A]).toBe(500);
  });

  it('covered.json lists positions through an older request only: the newer file still restores its position', async () => {
    const storage = await tempDir();
    const s = await backend();
    await s.server.goDown();
    const first = await exporter(storage, s.endpoint);
    await first.exporter.consume(batch(1, [{ source: A, position: 500 }]));
    await first.exporter.shutdown();
    // The crash fell between request 1's rename and covered.json: it lists requests up to 0 only.
    await writeFile(join(storage, 'otlphttp', 'covered.json'), JSON.stringify({ version: 1, covered: { [A]: 10 }, through_seq: 0 }));
    const second = await exporter(storage, s.endpoint);
    expect(second.exporter.coveredPositions().get(A)).toBe(500);
  });

  it('an unreadable covered.json is reported, moved aside (never overwritten) and ignored (the queue files still count)', async () => {
    const storage = await tempDir();
    const s = await backend();
    const first = await exporter(storage, s.endpoint);
    await first.exporter.shutdown();
    await writeFile(join(storage, 'otlphttp', 'covered.json'), '{"version":1,"cov');
    const second = await exporter(storage, s.endpoint);
    expect(second.exporter.coveredPositions().size).toBe(0);
    const logged = second.lines.find((l) => l.level === 50 && l.msg.includes('unreadable covered.json'));
    expect(logged?.moved_to).toMatch(/covered\.json\.corrupt-\d{8}T\d{6}\.\d{3}Z$/);
    expect(await readFile(String(logged?.moved_to), 'utf8')).toBe('{"version":1,"cov');
  });

  it('without a persistent queue nothing is recorded', async () => {
    const s = await backend();
    const h = harness({ endpoint: s.endpoint });
    await h.exporter.start(runningHost);
    cleanups.push(() => h.exporter.shutdown());
    await h.exporter.consume(batch(1, [{ source: A, position: 9 }]));
    expect(h.exporter.coveredPositions().size).toBe(0);
  });

  it.each([
    [{ sending_queue: { storage: 'file_storage' } }, true],
    [{ sending_queue: { storage: 'file_storage', enabled: false } }, 'set sending_queue.storage to a file_storage extension (with sending_queue.enabled: true)'],
    [{}, 'set sending_queue.storage to a file_storage extension (with sending_queue.enabled: true)'],
  ])('the factory says whether %j records positions', (raw, expected) => {
    expect(otlpHttpExporterFactory.durable?.recordsLogPositions?.(parseConfig({ endpoint: 'http://127.0.0.1:1', ...raw }))).toBe(expected);
  });
});
