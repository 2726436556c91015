import { appendFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScriptedConsumer, append, ids, line, sleep, startReceiver, tempDir, until } from './harness.js';

let dir: string;
let storage: string;

beforeEach(() => {
  dir = tempDir();
  storage = join(dir, 'storage');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface SavedFile {
  path: string;
  offset: number;
  lines: number | null;
}

function checkpoint(): SavedFile[] {
  return (JSON.parse(readFileSync(join(storage, 'kong_file_log.json'), 'utf8')) as { files: SavedFile[] }).files;
}

describe('kong_file_log checkpoint', () => {
  it('a restart mid-file neither loses nor re-reads a line, a half-written one included', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 3000), 100);
    // Reads of 64 KiB (~300 lines) delivered slowly: the shutdown lands in the middle of the file.
    const slow = new ScriptedConsumer();
    slow.delayMs = 30;
    const first = await startReceiver({ include: [log], start_at: 'beginning', storage, max_line_size: '4KiB' }, slow);
    await until('a first batch', () => first.accepted() > 0);
    await first.receiver.shutdown();
    const delivered = first.next.ids();
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.length).toBeLessThan(3000);
    const saved = checkpoint();
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ path: log, lines: delivered.length });
    expect(saved[0].offset).toBe(Buffer.byteLength(delivered.map((id) => line(id, 100)).join('')));

    // While we are down: a half-written line, the rest of it, more lines, and a new file.
    appendFileSync(log, '{"request":{"id":"half');
    appendFileSync(log, '"},"latencies":{"request":1}}\n');
    append(log, ids('b', 0, 50));
    append(join(dir, 'new.log'), ids('n', 0, 7));

    // start_at: end does not apply: the checkpoint knows where to go on, and new.log is new.
    const second = await startReceiver({ include: [join(dir, '*.log')], start_at: 'end', storage });
    try {
      await until('the rest', () => delivered.length + second.accepted() >= 3000 + 1 + 50 + 7);
      await sleep(60);
      const all = [...delivered, ...second.next.ids()];
      expect(all).toHaveLength(3058);
      expect(new Set(all).size).toBe(3058);
      expect(all.filter((id) => id.startsWith('a-'))).toEqual(ids('a', 0, 3000));
      expect(all).toContain('half');
    } finally {
      await second.receiver.shutdown();
    }
    const final = checkpoint();
    expect(final.map((f) => f.path).sort()).toEqual([log, join(dir, 'new.log')]);
    expect(final.find((f) => f.path === log)?.offset).toBe(statSync(log).size);
  });

  it('keeps the offset before an unfinished last line at shutdown', async () => {
    const log = join(dir, 'kong.log');
    writeFileSync(log, '');
    const first = await startReceiver({ include: [log], storage });
    appendFileSync(log, `${line('whole')}{"request":{"id":"unfin`);
    await until('1 entry', () => first.accepted() === 1);
    await first.receiver.shutdown();
    expect(checkpoint()[0]).toMatchObject({ offset: Buffer.byteLength(line('whole')), lines: 1 });
    expect(first.rejected('truncated')).toBe(0);

    appendFileSync(log, 'ished"},"latencies":{"request":1}}\n');
    const second = await startReceiver({ include: [log], storage });
    try {
      await until('1 entry', () => second.accepted() === 1);
      expect(second.next.ids()).toEqual(['unfinished']);
    } finally {
      await second.receiver.shutdown();
    }
  });

  it('reads a file from its start when its inode holds other content than the checkpoint saw', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('now', 0, 4));
    const st = statSync(log, { bigint: true });
    mkdirSync(storage);
    writeFileSync(
      join(storage, 'kong_file_log.json'),
      JSON.stringify({
        version: 1,
        files: [
          {
            path: log,
            dev: String(st.dev),
            ino: String(st.ino),
            fingerprint: Buffer.from('{"request":{"id":"a deleted file that had this inode before').toString('base64'),
            offset: 200,
            lines: 2,
            discarding: false,
          },
        ],
      }),
    );
    const h = await startReceiver({ include: [log], storage });
    try {
      await until('4 entries', () => h.accepted() === 4);
      expect(h.next.ids()).toEqual(ids('now', 0, 4));
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('ignores an unreadable checkpoint with a warning that names it', async () => {
    mkdirSync(storage);
    writeFileSync(join(storage, 'kong_file_log.json'), '{ not json');
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 2));
    const h = await startReceiver({ include: [log], storage, start_at: 'beginning' });
    try {
      await until('2 entries', () => h.accepted() === 2);
      const warning = h.logs.find((l) => l.level === 40);
      expect(warning).toMatchObject({ checkpoint: join(storage, 'kong_file_log.json'), problem: 'it is not valid JSON' });
    } finally {
      await h.receiver.shutdown();
    }
    expect(checkpoint()[0]).toMatchObject({ offset: statSync(log).size, lines: 2 });
  });

  it('names the key and the fix when the storage directory cannot be created', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    await expect(startReceiver({ include: [join(dir, '*.log')], storage: join(dir, 'a-file', 'storage') })).rejects.toThrow(
      /receivers\.kong_file_log\.storage: cannot create directory .* point it at a writable directory/,
    );
  });
});
