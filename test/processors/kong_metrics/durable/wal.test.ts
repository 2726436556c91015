import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { BackPressureError } from '../../../../core/index.js';
import { segmentName } from '../../../../processors/kong_metrics/durable/segments.js';
import { recordHeader, RECORD_HEADER_BYTES, SEGMENT_MAGIC } from '../../../../processors/kong_metrics/durable/wal_record.js';
import { WriteAheadLog } from '../../../../processors/kong_metrics/durable/wal.js';
import { tempDirs } from '../../../support/temp.js';
import { capturingLogger } from '../../../support/logs.js';

/** Removed after each test, after the hooks below have stopped what writes there. */
const tempDir = tempDirs('wal');
const logs: WriteAheadLog<string>[] = [];
afterEach(async () => {
  for (const w of logs.splice(0)) await w.close();
});

/** A log whose commits and log lines the test can read. */
function wal(dir: string, segmentBytes?: number) {
  const committed: string[] = [];
  const { logger, logs: lines } = capturingLogger();
  const w = new WriteAheadLog<string>({ dir, logger, where: 'processors.kong_metrics.storage', segmentBytes, onCommit: (items) => committed.push(...items) });
  logs.push(w);
  return { w, committed, lines };
}

/** Opens the log again (a restart) and returns what it replays after `covered`. */
async function reopen(dir: string, covered: number | undefined, segmentBytes?: number) {
  const r = wal(dir, segmentBytes);
  const replayed: { text: string; end: number }[] = [];
  const result = await r.w.open(covered, (payload, end) => replayed.push({ text: payload.toString(), end }));
  return { ...r, replayed, result };
}

/** Bytes one record of `text` takes on disk. */
const record = (text: string) => RECORD_HEADER_BYTES + Buffer.byteLength(text);

describe('write-ahead log', () => {
  it('group commit: 200 concurrent appends share a handful of fdatasyncs; each resolves after its group is committed, in order', async () => {
    const dir = await tempDir();
    const { w, committed } = wal(dir);
    await w.open(undefined, () => undefined);
    const seenAtResolve: number[] = [];
    const texts = Array.from({ length: 200 }, (_, i) => `batch-${i}`);
    await Promise.all(texts.map((t) => w.append(Buffer.from(t), t).then(() => seenAtResolve.push(committed.indexOf(t)))));

    expect(committed).toEqual(texts);
    // The first append syncs alone; everything that arrived meanwhile shares the next sync, and so on.
    expect(w.syncs).toBeGreaterThanOrEqual(2);
    expect(w.syncs).toBeLessThanOrEqual(10);
    expect(seenAtResolve.every((i) => i >= 0)).toBe(true);
    const bytes = SEGMENT_MAGIC.length + texts.reduce((n, t) => n + record(t), 0);
    expect(w.position).toBe(bytes);
    expect((await stat(join(dir, segmentName(0)))).size).toBe(bytes);
  });

  it('a restart replays exactly the records after the covered position, with their end positions', async () => {
    const dir = await tempDir();
    const { w } = wal(dir);
    await w.open(undefined, () => undefined);
    const ends: number[] = [];
    for (const t of ['a', 'bb', 'ccc']) {
      await w.append(Buffer.from(t), t);
      ends.push(w.position);
    }
    await w.close();

    const all = await reopen(dir, undefined);
    expect(all.replayed).toEqual([
      { text: 'a', end: ends[0] },
      { text: 'bb', end: ends[1] },
      { text: 'ccc', end: ends[2] },
    ]);
    await all.w.close();
    const after = await reopen(dir, ends[0]);
    expect(after.replayed.map((r) => r.text)).toEqual(['bb', 'ccc']);
    expect(after.result).toEqual({ replayed: 2, skipped: 1, truncatedBytes: 0 });
    // Each start opens a fresh segment past everything before it (the first restart's segment stayed
    // empty and is gone): positions only grow.
    const next = ends[2] + SEGMENT_MAGIC.length;
    expect(after.w.position).toBe(next + SEGMENT_MAGIC.length);
    expect((await readdir(dir)).sort()).toEqual([segmentName(0), segmentName(next)]);
  });

  it.each([
    ['a torn record (header promises 100 bytes, 10 arrived)', (b: Buffer) => Buffer.concat([b, recordHeader(Buffer.alloc(100, 1)), Buffer.alloc(10, 1)])],
    ['a torn record header (5 of 8 bytes)', (b: Buffer) => Buffer.concat([b, Buffer.alloc(5, 7)])],
    ['a checksum mismatch in the last record', (b: Buffer) => {
      const c = Buffer.from(b);
      c[c.length - 1] ^= 0xff;
      return c;
    }],
    ['a tail of zeros left by a power cut', (b: Buffer) => Buffer.concat([b, Buffer.alloc(4096)])],
  ])('%s: cut off at the last whole record, logged once, never replayed', async (_name, damage) => {
    const dir = await tempDir();
    const { w } = wal(dir);
    await w.open(undefined, () => undefined);
    for (const t of ['one', 'two', 'three']) await w.append(Buffer.from(t), t);
    await w.close();
    const file = join(dir, segmentName(0));
    const clean = await readFile(file);
    const damaged = damage(clean);
    await writeFile(file, damaged);

    const r = await reopen(dir, undefined);
    const checksum = damaged.length === clean.length;
    const kept = checksum ? ['one', 'two'] : ['one', 'two', 'three'];
    expect(r.replayed.map((x) => x.text)).toEqual(kept);
    const validEnd = SEGMENT_MAGIC.length + kept.reduce((n, t) => n + record(t), 0);
    expect((await stat(file)).size).toBe(validEnd);
    expect(r.result.truncatedBytes).toBe(damaged.length - validEnd);
    const warnings = r.lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toContain('cut an unfinished record off the write-ahead log');
    // What comes next starts past every byte the old file ever held.
    expect(r.w.position).toBe(validEnd + SEGMENT_MAGIC.length);
  });

  it('a damaged segment that is not the last is reported as an error and replayed up to the damage', async () => {
    const dir = await tempDir();
    const first = wal(dir);
    await first.w.open(undefined, () => undefined);
    for (const t of ['x1', 'x2']) await first.w.append(Buffer.from(t), t);
    await first.w.close();
    const second = await reopen(dir, undefined);
    await second.w.append(Buffer.from('y1'), 'y1');
    await second.w.close();
    const file = join(dir, segmentName(0));
    const data = await readFile(file);
    data[data.length - 1] ^= 0x01;
    await writeFile(file, data);

    const third = await reopen(dir, undefined);
    expect(third.replayed.map((x) => x.text)).toEqual(['x1', 'y1']);
    const errors = third.lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toContain('segment is damaged');
  });

  it('rolls over to a new segment past segmentBytes, and trim deletes only whole segments at or below the covered position', async () => {
    const dir = await tempDir();
    const { w } = wal(dir, 64);
    await w.open(undefined, () => undefined);
    const ends: number[] = [];
    for (let i = 0; i < 12; i++) {
      const t = `record-${String(i).padStart(2, '0')}-${'x'.repeat(20)}`;
      await w.append(Buffer.from(t), t);
      ends.push(w.position);
    }
    const segments = (await readdir(dir)).sort();
    expect(segments.length).toBeGreaterThanOrEqual(4);
    const starts = segments.map((n) => Number(n.slice(0, 20)));
    // Segments are contiguous: each starts where the one before ended.
    for (let i = 1; i < starts.length; i++) expect(ends).toContain(starts[i]);

    // Covered to the middle of the third segment: the first two go, the third stays.
    const covered = (starts[2] + starts[3]) / 2;
    const deleted = await w.trim(covered);
    expect(deleted).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(segments.slice(2));
    // Covered past everything: all but the active segment go.
    await w.trim(w.position);
    expect(await readdir(dir)).toEqual([segments[segments.length - 1]]);
    expect(w.bytes).toBe((await stat(join(dir, segments[segments.length - 1]))).size);
    await w.close();

    const again = await reopen(dir, ends[9], 64);
    expect(again.replayed.map((r) => r.text)).toEqual([10, 11].map((i) => `record-${i}-${'x'.repeat(20)}`));
  });

  it('when the exporters hold a position past the end of the log (log directory lost), new positions start after it', async () => {
    const dir = await tempDir();
    const r = await reopen(dir, 1_000_000);
    await r.w.append(Buffer.from('z'), 'z');
    expect(r.w.position).toBe(1_000_000 + SEGMENT_MAGIC.length + record('z'));
    expect(await readdir(dir)).toEqual([segmentName(1_000_000)]);
  });

  it('a segment file that holds no record (torn at creation) is removed on open', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, segmentName(0)), SEGMENT_MAGIC.subarray(0, 3));
    const r = await reopen(dir, undefined);
    expect(r.replayed).toEqual([]);
    expect(await readdir(dir)).toEqual([segmentName(SEGMENT_MAGIC.length)]);
  });

  it('a FIFO, a directory and a symbolic link named like segments are skipped with a line naming each, never opened', async () => {
    const dir = await tempDir();
    const first = wal(dir);
    await first.w.open(undefined, () => undefined);
    await first.w.append(Buffer.from('kept'), 'kept');
    await first.w.close();
    execFileSync('mkfifo', [join(dir, segmentName(1_000_000))]);
    await mkdir(join(dir, segmentName(2_000_000)));
    await symlink(join(dir, segmentName(0)), join(dir, segmentName(3_000_000)));
    // The old open read the FIFO and never returned.
    const r = await Promise.race([reopen(dir, undefined), new Promise<never>((_, no) => setTimeout(() => no(new Error('open hung')), 10_000).unref())]);
    expect(r.replayed.map((x) => x.text)).toEqual(['kept']);
    const skipped = r.lines.filter((l) => l.level === 40 && l.msg.includes('not a regular file')).map((l) => [l.file, l.kind]);
    expect(skipped.sort()).toEqual([
      [join(dir, segmentName(1_000_000)), 'FIFO'],
      [join(dir, segmentName(2_000_000)), 'directory'],
      [join(dir, segmentName(3_000_000)), 'symbolic link'],
    ]);
  });

  it('a segment far larger than the log writes is refused unread, naming the file and the fix', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, segmentName(0)), Buffer.alloc(5000));
    const w = new WriteAheadLog<string>({ dir, logger: pino({ level: 'silent' }), where: 'processors.kong_metrics.storage', segmentBytes: 1024, maxPendingBytes: 1024, onCommit: () => undefined });
    logs.push(w);
    await expect(w.open(undefined, () => undefined)).rejects.toThrow(
      `${join(dir, segmentName(0))}: "${join(dir, segmentName(0))}" is 5000 bytes, more than the 4096 bytes it can be: it is not one kongtel wrote; move it out of the directory (EFBIG)`,
    );
  });

  it('a failed write is refused with back-pressure and leaves nothing to replay; the log works again once the disk does', async () => {
    const dir = await tempDir();
    const { w, committed, lines } = wal(dir);
    await w.open(undefined, () => undefined);
    await w.append(Buffer.from('before'), 'before');
    // The disk fills up halfway through the next write: half the record lands, then ENOSPC.
    type Write = (data: Buffer, offset: number, length: number, position: number) => Promise<{ bytesWritten: number }>;
    const handle = (w as unknown as { fh: { write: Write } }).fh;
    const write = handle.write.bind(handle);
    let fail = true;
    handle.write = async (data, offset, length, position) => {
      if (!fail) return write(data, offset, length, position);
      await write(data, offset, Math.floor(length / 2), position);
      throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    };
    const err = await w.append(Buffer.from('lost'), 'lost').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackPressureError);
    expect((err as Error).message).toBe('processors.kong_metrics.storage: cannot write the write-ahead log (no space left on device); retry');
    fail = false;
    await w.append(Buffer.from('after'), 'after');
    expect(committed).toEqual(['before', 'after']);
    expect(lines.filter((l) => l.level === 50).map((l) => l.msg)).toEqual(['kong_metrics: write-ahead log write failed; refusing entries (503) until it works']);
    await w.close();
    const r = await reopen(dir, undefined);
    expect(r.replayed.map((x) => x.text)).toEqual(['before', 'after']);
  });

  it('appends before open or after close are refused with back-pressure', async () => {
    const dir = await tempDir();
    const { w } = wal(dir);
    await expect(w.append(Buffer.from('early'), 'early')).rejects.toBeInstanceOf(BackPressureError);
    await w.open(undefined, () => undefined);
    await w.close();
    await expect(w.append(Buffer.from('late'), 'late')).rejects.toBeInstanceOf(BackPressureError);
  });
});
