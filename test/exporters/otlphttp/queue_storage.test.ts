import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queueFileBytes } from '../../../bench/queue_files.js';
import { SelfMetric } from '../../../core/index.js';
import { encodeRequest } from '../../../exporters/otlphttp/encode.js';
import { queueFileName } from '../../../exporters/otlphttp/queue_file.js';
import { runningHost } from '../../support/context.js';
import { canMount, mountTmpfs } from '../../support/mount.js';
import { KONGTEL_BIN, ROOT } from '../../support/processes.js';
import { OtlpStandIn, startOtlpStandIn } from '../../support/stand_ins/otlp_http.js';
import { harness, sumBatch } from './fixtures.js';
import { freePort } from '../../support/ports.js';
import { until, within } from '../../support/wait.js';
import { tempDirs } from '../../support/temp.js';
import { ERROR, WARN } from '../../support/logs.js';

/**
 * What a careless operator or a failing disk leaves in `sending_queue.storage`, and what kongtel says:
 * entries that are not regular files are skipped by name (a FIFO would otherwise hang start-up), and each
 * way the directory can be unusable gets its own message with the key path and the fix — not "make it a
 * writable directory" for all of them. A full disk does not stop a restart: delivering frees it.
 */

/** Removed after each test, after the hooks below have stopped what writes there. */
const tempDir = tempDirs('qstore');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const backend = (): Promise<OtlpStandIn> => startOtlpStandIn(cleanups);

async function requestFile(value: number): Promise<Buffer> {
  const b = sumBatch('m', [value]);
  return queueFileBytes(await encodeRequest(b.resourceMetrics, 1, 'proto', 'none'));
}


const isRoot = process.getuid?.() === 0;

describe('otlphttp persistent queue: what is in the directory', () => {
  it('skips a FIFO, a directory and a symbolic link named like queue files, naming each; delivers the rest', async () => {
    const storage = tempDir();
    const dir = join(storage, 'otlphttp');
    mkdirSync(dir);
    writeFileSync(join(dir, queueFileName(1)), await requestFile(1));
    execFileSync('mkfifo', [join(dir, queueFileName(2))]);
    mkdirSync(join(dir, queueFileName(3)));
    const outside = join(storage, 'outside.req');
    writeFileSync(outside, await requestFile(100));
    symlinkSync(outside, join(dir, queueFileName(4)));
    writeFileSync(join(dir, queueFileName(5)), await requestFile(5));
    const s = await backend();

    const h = harness({ endpoint: s.endpoint, sending_queue: { storage: 'file_storage', num_consumers: 1 } }, { storage });
    // within: the old start-up opened a FIFO and never returned.
    await within(h.exporter.start(runningHost), 10_000, 'start-up');
    cleanups.push(() => h.exporter.shutdown());
    await until('the two regular requests', () => s.received.pointCount() === 2, 10_000);
    await until('an empty queue', () => h.telemetry.value(SelfMetric.exporterQueueSize, { exporter: 'otlphttp' }) === 0, 10_000);

    expect(s.received.points('m').map((p) => p.value)).toEqual([1, 5]);
    const skipped = h.lines.filter((l) => l.level === WARN && l.msg.startsWith('skipping an entry'));
    expect(skipped.map((l) => [l.file, l.kind])).toEqual(
      expect.arrayContaining([
        [join(dir, queueFileName(2)), 'FIFO'],
        [join(dir, queueFileName(3)), 'directory'],
        [join(dir, queueFileName(4)), 'symbolic link'],
      ]),
    );
    expect(skipped).toHaveLength(3);
    // Not ours to delete: they stay.
    expect(readdirSync(dir).sort()).toEqual([queueFileName(2), queueFileName(3), queueFileName(4), 'covered.json']);
  });

  it('a file swapped for a FIFO after start-up is skipped when its turn comes, without blocking the queue', async () => {
    const storage = tempDir();
    const s = await backend();
    await s.server.goDown();
    const first = harness({ endpoint: s.endpoint, timeout: '200ms', sending_queue: { storage: 'file_storage', num_consumers: 1 } }, { storage });
    await first.exporter.start(runningHost);
    for (const v of [1, 2, 3]) await first.exporter.consume(sumBatch('m', [v]));
    await first.exporter.shutdown();
    const dir = join(storage, 'otlphttp');
    const second = harness({ endpoint: s.endpoint, sending_queue: { storage: 'file_storage', num_consumers: 1 } }, { storage });
    await second.exporter.start(runningHost);
    cleanups.push(() => second.exporter.shutdown());
    unlinkSync(join(dir, queueFileName(2)));
    execFileSync('mkfifo', [join(dir, queueFileName(2))]);
    await s.server.comeUp();
    await until('requests 1 and 3', () => s.received.pointCount() === 2, 10_000);
    expect(s.received.points('m').map((p) => p.value)).toEqual([1, 3]);
    const line = second.lines.find((l) => l.level === ERROR && l.file === join(dir, queueFileName(2)));
    expect(line?.problem).toMatch(/is a FIFO, not a regular file: remove it/);
  });
});

describe('otlphttp persistent queue: an unusable directory says what is wrong', () => {
  it.runIf(isRoot)('permission denied: run as another user, kongtel exits 1 naming the key, the cause and the fix', async () => {
    const storage = tempDir(0o700); // root's, and closed to others
    const configDir = tempDir(0o755);
    const port = await freePort();
    const config = join(configDir, 'pipelines.yaml');
    writeFileSync(
      config,
      `receivers:\n  kong_http_log:\n    endpoint: 127.0.0.1:${port}\nprocessors:\n  kong_metrics: {}\nexporters:\n  otlphttp:\n    endpoint: http://127.0.0.1:9/\n    sending_queue:\n      storage: file_storage\nextensions:\n  file_storage:\n    directory: ${storage}\nservice:\n  extensions: [file_storage]\n  pipelines:\n    metrics:\n      receivers: [kong_http_log]\n      processors: [kong_metrics]\n      exporters: [otlphttp]\n`,
    );
    chmodSync(config, 0o644);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, KONGTEL_BIN, '--config', config], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `exporters.otlphttp.sending_queue.storage: cannot use \\"${storage}\\" (extensions.file_storage.directory) for the persistent queue: cannot create the directory ${storage}/otlphttp: permission denied: the user kongtel runs as cannot read and write it; fix its owner or mode (chown, chmod u+rwx) (EACCES)`,
    );
  });

  it.runIf(isRoot)('an immutable directory (chattr +i) fails start-up at once, not at the first request', async () => {
    const storage = tempDir();
    const dir = join(storage, 'otlphttp');
    mkdirSync(dir);
    writeFileSync(join(dir, queueFileName(1)), await requestFile(1));
    const chattr = spawnSync('chattr', ['+i', dir]);
    if (chattr.status !== 0) return; // a filesystem without attributes (tmpfs, overlay): nothing to show
    cleanups.push(() => spawnSync('chattr', ['-i', dir]));
    const h = harness({ endpoint: 'http://127.0.0.1:9/', sending_queue: { storage: 'file_storage' } }, { storage });
    await expect(h.exporter.start(runningHost)).rejects.toThrow(
      `exporters.otlphttp.sending_queue.storage: cannot use "${storage}" (extensions.file_storage.directory) for the persistent queue: cannot write ${dir}/covered.json: operation not permitted: fix its owner or mode (chown, chmod u+rwx), or clear the immutable or append-only attribute (lsattr, chattr -i -a) (EPERM)`,
    );
  });

  it.runIf(canMount)('a read-only filesystem fails start-up naming it', async () => {
    const storage = tempDir();
    cleanups.push(mountTmpfs(storage, 'size=1m'));
    mkdirSync(join(storage, 'otlphttp'));
    writeFileSync(join(storage, 'otlphttp', queueFileName(1)), await requestFile(1));
    execFileSync('mount', ['-o', 'remount,ro', storage]);
    const h = harness({ endpoint: 'http://127.0.0.1:9/', sending_queue: { storage: 'file_storage' } }, { storage });
    await expect(h.exporter.start(runningHost)).rejects.toThrow(
      /: cannot write .*covered\.json: the filesystem is read-only: mount it read-write, or point the key at a writable disk \(EROFS\)$/,
    );
  });

  it.runIf(canMount)('a disk the outage filled: start-up succeeds with a warning, delivers what is queued, then takes new data', async () => {
    const storage = tempDir();
    cleanups.push(mountTmpfs(storage, 'size=64k'));
    const dir = join(storage, 'otlphttp');
    mkdirSync(dir);
    const file = await requestFile(1);
    let queued = 0;
    for (let seq = 1; ; seq++) {
      try {
        writeFileSync(join(dir, queueFileName(seq)), file);
        queued++;
      } catch {
        rmSync(join(dir, queueFileName(seq)), { force: true }); // the one cut short by the full disk
        break;
      }
    }
    expect(queued).toBeGreaterThan(0);
    const s = await backend();
    const h = harness({ endpoint: s.endpoint, sending_queue: { storage: 'file_storage', num_consumers: 2 } }, { storage });
    await h.exporter.start(runningHost);
    cleanups.push(() => h.exporter.shutdown());
    expect(h.lines.find((l) => l.level === WARN && String(l.msg).includes('disk is full'))?.problem).toMatch(/the disk is full .* \(ENOSPC\)$/);
    await until(`the ${queued} queued requests`, () => s.received.pointCount() === queued, 10_000);
    await until('an empty queue', () => readdirSync(dir).filter((f) => f.endsWith('.req')).length === 0, 10_000);
    await h.exporter.consume(sumBatch('m', [7]));
    await until('the new request sent', () => h.telemetry.value(SelfMetric.exporterSentMetricPoints, { exporter: 'otlphttp' }) === queued + 1, 10_000);
    expect(s.received.pointCount()).toBe(queued + 1);
  });
});

describe('otlphttp persistent queue: out of file descriptors', () => {
  it('a request that cannot be opened for want of descriptors is retried, not skipped', async () => {
    const storage = tempDir();
    const dir = join(storage, 'otlphttp');
    mkdirSync(dir);
    for (const seq of [1, 2]) writeFileSync(join(dir, queueFileName(seq)), await requestFile(seq));
    // A real process with a low descriptor limit: it opens the queue, uses up its descriptors, asks for
    // a request, and gives the descriptors back a moment later.
    const script = `
      import { openSync, closeSync } from 'node:fs';
      import pino from 'pino';
      import { PersistentQueue } from ${JSON.stringify(join(ROOT, 'dist/exporters/otlphttp/persistent_queue.js'))};
      const lines = [];
      const q = new PersistentQueue(${JSON.stringify(dir)}, 10, pino({}, { write: (s) => lines.push(JSON.parse(s)) }));
      await q.open();
      const held = [];
      try { for (;;) held.push(openSync('/dev/null', 'r')); } catch (err) { if (err.code !== 'EMFILE') throw err; }
      setTimeout(() => { for (const fd of held) closeSync(fd); }, 300);
      setInterval(() => undefined, 1000); // the queue's own timers do not keep a process alive
      const first = await q.take();
      const second = await q.take();
      console.log(JSON.stringify({ seqs: [first?.seq, second?.seq], errors: lines.filter((l) => l.level === 50).map((l) => l.msg + ' | ' + l.problem) }));
      process.exit(0);
    `;
    const r = spawnSync('prlimit', ['--nofile=128:128', process.execPath, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000, cwd: ROOT });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { seqs: number[]; errors: string[] };
    expect(out.seqs).toEqual([1, 2]);
    expect(out.errors).toEqual([
      "cannot open queued requests; retrying every second | kongtel has too many files open: raise its file-descriptor limit (ulimit -n, systemd LimitNOFILE, the container runtime's nofile) (EMFILE)",
    ]);
  });
});
