import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canMount, mountTmpfs } from '../../support/mount.js';
import { KONGTEL_BIN } from '../../support/processes.js';
import { freePort } from '../../support/ports.js';
import { append, ids, line, startReceiver, type Harness } from './harness.js';
import { ScriptedConsumer } from '../../support/consumers.js';
import { sleep, until } from '../../support/wait.js';
import { tempDir } from '../../support/temp.js';

const isRoot = process.getuid?.() === 0;

let dir: string;
let storage: string;

beforeEach(() => {
  dir = tempDir('file-log');
  storage = join(dir, 'storage');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface SavedFile {
  path: string;
  offset: number;
  lines: number | null;
}

/** The receiver with `storage: file_storage`, that extension's directory being `storage`. */
function startStored(config: Record<string, unknown>, next?: ScriptedConsumer): Promise<Harness> {
  return startReceiver(config, next, { file_storage: storage });
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
    const first = await startStored({ include: [log], start_at: 'beginning', storage: 'file_storage', max_line_size: '4KiB' }, slow);
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
    const second = await startStored({ include: [join(dir, '*.log')], start_at: 'end', storage: 'file_storage' });
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
    const first = await startStored({ include: [log], storage: 'file_storage' });
    appendFileSync(log, `${line('whole')}{"request":{"id":"unfin`);
    await until('1 entry', () => first.accepted() === 1);
    await first.receiver.shutdown();
    expect(checkpoint()[0]).toMatchObject({ offset: Buffer.byteLength(line('whole')), lines: 1 });
    expect(first.rejected('truncated')).toBe(0);

    appendFileSync(log, 'ished"},"latencies":{"request":1}}\n');
    const second = await startStored({ include: [log], storage: 'file_storage' });
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
    const h = await startStored({ include: [log], storage: 'file_storage' });
    try {
      await until('4 entries', () => h.accepted() === 4);
      expect(h.next.ids()).toEqual(ids('now', 0, 4));
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('moves a damaged checkpoint aside (never overwrites it), logs where, and start_at applies', async () => {
    mkdirSync(storage);
    writeFileSync(join(storage, 'kong_file_log.json'), '{ not json');
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 2));
    const h = await startStored({ include: [log], storage: 'file_storage', start_at: 'beginning' });
    try {
      await until('2 entries', () => h.accepted() === 2);
      const error = h.logs.find((l) => l.level === 50);
      expect(error).toMatchObject({ checkpoint: join(storage, 'kong_file_log.json'), problem: 'it is not valid JSON' });
      expect(String(error?.moved_to)).toMatch(/kong_file_log\.json\.corrupt-\d{8}T\d{6}\.\d{3}Z$/);
      expect(readFileSync(String(error?.moved_to), 'utf8')).toBe('{ not json');
    } finally {
      await h.receiver.shutdown();
    }
    expect(checkpoint()[0]).toMatchObject({ offset: statSync(log).size, lines: 2 });
  });

  it.each([
    ['a directory', (p: string) => mkdirSync(p), 'is a directory, not a regular file'],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), 'is a FIFO, not a regular file'],
  ])('refuses to start when the checkpoint is %s, naming it (and never blocks on it)', async (_what, make, says) => {
    mkdirSync(storage);
    const file = join(storage, 'kong_file_log.json');
    make(file);
    await expect(startStored({ include: [join(dir, '*.log')], storage: 'file_storage' })).rejects.toThrow(
      `receivers.kong_file_log.storage: cannot read the checkpoint "${file}": "${file}" ${says}: remove it, or move it out of the directory (ENOTREG). It holds where reading stopped`,
    );
  });

  it.runIf(isRoot)('refuses to start when the checkpoint cannot be read (another owner), and leaves it as it was', async () => {
    // kongtel runs as nobody; the checkpoint (root's, 0600) holds offsets it must not lose.
    const logDir = tempDir('file-log');
    chmodSync(logDir, 0o755);
    const log = join(logDir, 'kong.log');
    append(log, ids('a', 0, 2));
    chmodSync(log, 0o644);
    mkdirSync(storage);
    chownSync(storage, 65534, 65534);
    chmodSync(dir, 0o755);
    const file = join(storage, 'kong_file_log.json');
    const saved = JSON.stringify({ version: 1, files: [] });
    writeFileSync(file, saved, { mode: 0o600 });
    const config = join(logDir, 'pipelines.yaml');
    const port = await freePort();
    writeFileSync(
      config,
      `extensions:\n  file_storage:\n    directory: ${storage}\nreceivers:\n  kong_file_log:\n    include: [${log}]\n    storage: file_storage\nprocessors:\n  kong_metrics: {}\nexporters:\n  prometheus:\n    endpoint: 127.0.0.1:${port}\nservice:\n  extensions: [file_storage]\n  pipelines:\n    metrics:\n      receivers: [kong_file_log]\n      processors: [kong_metrics]\n      exporters: [prometheus]\n`,
      { mode: 0o644 },
    );
    try {
      const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, KONGTEL_BIN, '--config', config], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `receivers.kong_file_log.storage: cannot read the checkpoint \\"${file}\\": permission denied: the user kongtel runs as cannot read and write it; fix its owner or mode (chown, chmod u+rwx) (EACCES)`,
      );
      expect(readFileSync(file, 'utf8')).toBe(saved);
    } finally {
      rmSync(logDir, { recursive: true, force: true });
    }
  });

  it('a checkpoint that cannot be written is logged once per episode and counted, and once more when it works again', async () => {
    const log = join(dir, 'kong.log');
    writeFileSync(log, '');
    const h = await startStored({ include: [log], storage: 'file_storage' });
    try {
      // Something else now sits where the checkpoint goes: every save fails (EISDIR) until it is gone.
      const file = join(storage, 'kong_file_log.json');
      rmSync(file, { force: true });
      mkdirSync(file);
      writeFileSync(join(file, 'in-the-way'), '');
      for (let i = 0; i < 8; i++) {
        append(log, ids(`x${i}`, 0, 1));
        await until(`entry ${i}`, () => h.accepted() === i + 1);
        await sleep(25);
      }
      expect(h.checkpointWriteFailures()).toBeGreaterThanOrEqual(5);
      const errors = h.logs.filter((l) => l.level === 50);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ checkpoint: file });
      expect(String(errors[0].problem)).toContain('(EISDIR)');

      rmSync(file, { recursive: true, force: true });
      await until('the checkpoint written again', () => h.logs.some((l) => l.level === 30 && String(l.msg).includes('written again')));
      const failures = h.checkpointWriteFailures();
      append(log, ids('after', 0, 1));
      await until('one more entry', () => h.accepted() === 9);
      await sleep(60);
      expect(h.checkpointWriteFailures()).toBe(failures);
      expect(h.logs.filter((l) => l.level === 50)).toHaveLength(1);
      expect(checkpoint()[0]).toMatchObject({ offset: statSync(log).size, lines: 9 });
    } finally {
      await h.receiver.shutdown();
    }
  });

  it.runIf(canMount)('a full disk at start does not stop tailing: a warning, then the checkpoint is saved once there is room', async () => {
    mkdirSync(storage);
    const unmount = mountTmpfs(storage, 'size=64k,nr_inodes=4');
    try {
      // Use up the inodes: not even an empty file can be created.
      let n = 0;
      for (; n < 10; n++) {
        try {
          writeFileSync(join(storage, `filler-${n}`), '');
        } catch {
          break;
        }
      }
      const log = join(dir, 'kong.log');
      append(log, ids('a', 0, 3));
      const h = await startStored({ include: [log], storage: 'file_storage', start_at: 'beginning' });
      try {
        await until('3 entries', () => h.accepted() === 3);
        expect(h.logs.find((l) => l.level === 40 && String(l.msg).includes('cannot write the checkpoint yet'))?.problem).toMatch(/\(ENOSPC\)$/);
        await until('a failed save counted', () => h.checkpointWriteFailures() > 0);
        rmSync(join(storage, 'filler-0'));
        await until('the checkpoint written', () => h.logs.some((l) => String(l.msg).includes('written again')));
        expect(checkpoint()[0]).toMatchObject({ offset: statSync(log).size, lines: 3 });
      } finally {
        await h.receiver.shutdown();
      }
    } finally {
      unmount();
    }
  });

  it.runIf(isRoot)('refuses to start when the storage directory cannot be written (immutable), naming the fix', async () => {
    mkdirSync(storage);
    if (spawnSync('chattr', ['+i', storage]).status !== 0) return; // no attributes on this filesystem
    try {
      await expect(startStored({ include: [join(dir, '*.log')], storage: 'file_storage' })).rejects.toThrow(
        `receivers.kong_file_log.storage: cannot write in "${storage}" (extensions.file_storage.directory): operation not permitted: fix its owner or mode (chown, chmod u+rwx), or clear the immutable or append-only attribute (lsattr, chattr -i -a) (EPERM)`,
      );
    } finally {
      spawnSync('chattr', ['-i', storage]);
    }
  });

  it('names the key and the fix when the storage directory cannot be created', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    storage = join(dir, 'a-file', 'storage');
    await expect(startStored({ include: [join(dir, '*.log')], storage: 'file_storage' })).rejects.toThrow(
      /receivers\.kong_file_log\.storage: cannot create directory ".*a-file\/storage" \(extensions\.file_storage\.directory\): a part of the path is a file, not a directory: point the key at a directory \(ENOTDIR\)$/,
    );
  });
});
