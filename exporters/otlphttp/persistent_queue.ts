import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../core/index.js';
import type { Compression, EncodedRequest, Encoding } from './encode.js';
import { QueueFullError, type QueuedRequest, type RequestQueue, Waiters } from './queue.js';

/*
 * Written by hand because nothing well kept does this job in Node: the SDK's OTLPMetricExporter has no
 * persistence, and the queue/KV libraries on npm either keep everything in one file that a crash can tear,
 * do not fsync, or do not delete on acknowledgement. What we need is small: a FIFO of byte blobs, each
 * durable before `offer()` resolves (so the receiver's 2xx means "on disk") and deleted only once the
 * backend settled it — at-least-once, surviving `kill -9`.
 *
 * Layout: one file per request, `<16-digit seq>.req`, written as `<name>.tmp`, fsync'd, renamed, then the
 * directory fsync'd (so the rename itself survives a power cut). A `.tmp` left by a crash was never
 * acknowledged upstream, so it is removed on open. Deleting after delivery skips the directory fsync: a
 * deletion lost in a crash only means one duplicate send.
 *
 * File: "KTQ1" | encoding u8 | compression u8 | 2 reserved | points u32 BE | body length u32 BE | body.
 */

const MAGIC = Buffer.from('KTQ1', 'latin1');
const HEADER_BYTES = 16;
const FILE_NAME = /^(\d{16})\.req$/;
const ENCODINGS: readonly Encoding[] = ['proto', 'json'];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip'];

function fileName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.req`;
}

function header(req: EncodedRequest): Buffer {
  const h = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(h, 0);
  h.writeUInt8(ENCODINGS.indexOf(req.encoding), 4);
  h.writeUInt8(COMPRESSIONS.indexOf(req.compression), 5);
  h.writeUInt32BE(req.points >>> 0, 8);
  h.writeUInt32BE(req.body.length, 12);
  return h;
}

/** The request in a file, or a reason it cannot be one (torn or foreign file). */
function parseFile(seq: number, data: Buffer): QueuedRequest | string {
  if (data.length < HEADER_BYTES || !data.subarray(0, 4).equals(MAGIC)) return 'not a kongtel queue file';
  const encoding = ENCODINGS[data.readUInt8(4)];
  const compression = COMPRESSIONS[data.readUInt8(5)];
  if (encoding === undefined || compression === undefined) return 'unknown encoding or compression';
  const length = data.readUInt32BE(12);
  if (data.length !== HEADER_BYTES + length) return `truncated (${data.length - HEADER_BYTES} of ${length} body bytes)`;
  return { seq, encoding, compression, points: data.readUInt32BE(8), body: data.subarray(HEADER_BYTES) };
}

/** fsyncs the directory, letting concurrent writers share one fsync that started after their rename. */
class DirSync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly dir: string) {}

  sync(): Promise<void> {
    if (this.next) return this.next;
    if (this.running) {
      const after = () => {
        this.next = undefined;
        return this.start();
      };
      this.next = this.running.then(after, after);
      return this.next;
    }
    return this.start();
  }

  private start(): Promise<void> {
    const p = this.fsync().finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  private async fsync(): Promise<void> {
    let fh;
    try {
      fh = await open(this.dir, 'r');
      await fh.sync();
    } catch (err) {
      // Some platforms (Windows) cannot open or fsync a directory; the file itself was fsync'd.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw err;
    } finally {
      await fh?.close();
    }
  }
}

export class PersistentQueue implements RequestQueue {
  /** Sequence numbers of requests on disk, not yet handed out, oldest first. */
  private readonly pending: number[] = [];
  private readonly inFlight = new Set<number>();
  private writing = 0;
  private nextSeq = 1;
  private draining = false;
  private closed = false;
  private readonly waiters = new Waiters();
  private readonly dirSync: DirSync;

  constructor(
    readonly dir: string,
    readonly capacity: number,
    private readonly logger: Logger,
  ) {
    this.dirSync = new DirSync(dir);
  }

  size(): number {
    return this.pending.length + this.inFlight.size + this.writing;
  }

  async open(): Promise<number> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const names = await readdir(this.dir);
    let torn = 0;
    const found: number[] = [];
    for (const name of names) {
      if (name.endsWith('.tmp')) {
        await unlink(join(this.dir, name));
        torn++;
        continue;
      }
      const m = FILE_NAME.exec(name);
      if (m) found.push(Number(m[1]));
    }
    if (torn > 0) this.logger.warn({ dir: this.dir, files: torn }, 'removed unfinished queue files left by a crash (never acknowledged upstream)');
    found.sort((a, b) => a - b);
    this.pending.push(...found);
    this.nextSeq = (found[found.length - 1] ?? 0) + 1;
    return found.length;
  }

  async offer(req: EncodedRequest): Promise<void> {
    if (this.size() >= this.capacity) throw new QueueFullError(`sending queue is full (${this.capacity} requests)`);
    const seq = this.nextSeq++;
    const final = join(this.dir, fileName(seq));
    const tmp = `${final}.tmp`;
    this.writing++;
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        const h = header(req);
        const { bytesWritten } = await fh.writev([h, req.body]);
        if (bytesWritten !== h.length + req.body.length) throw new Error(`short write to ${tmp}`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, final);
      await this.dirSync.sync();
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    } finally {
      this.writing--;
    }
    this.insertPending(seq);
    this.waiters.wakeOne();
  }

  async take(): Promise<QueuedRequest | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const seq = this.pending.shift();
      if (seq === undefined) {
        if (this.draining) return undefined;
        await this.waiters.wait();
        continue;
      }
      this.inFlight.add(seq);
      const req = await this.read(seq);
      if (req) return req;
      this.inFlight.delete(seq);
    }
  }

  async done(req: QueuedRequest): Promise<void> {
    this.inFlight.delete(req.seq);
    await this.remove(req.seq);
  }

  putBack(req: QueuedRequest): void {
    this.inFlight.delete(req.seq);
    this.insertPending(req.seq);
  }

  drain(): void {
    this.draining = true;
    this.waiters.wakeAll();
  }

  close(): void {
    this.closed = true;
    this.waiters.wakeAll();
  }

  /** Points are only known once a file is read; on disk nothing is lost, so the count is of requests. */
  waiting(): { requests: number; points: number } {
    return { requests: this.pending.length, points: 0 };
  }

  private insertPending(seq: number): void {
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1] > seq) i--;
    this.pending.splice(i, 0, seq);
  }

  private async read(seq: number): Promise<QueuedRequest | undefined> {
    const path = join(this.dir, fileName(seq));
    let data: Buffer;
    try {
      data = await readFile(path);
    } catch (err) {
      this.logger.error({ file: path, code: (err as NodeJS.ErrnoException).code }, 'cannot read a queued request; skipping it');
      return undefined;
    }
    const parsed = parseFile(seq, data);
    if (typeof parsed === 'string') {
      this.logger.error({ file: path, problem: parsed }, 'dropping an unreadable queued request file');
      await this.remove(seq);
      return undefined;
    }
    return parsed;
  }

  private async remove(seq: number): Promise<void> {
    const path = join(this.dir, fileName(seq));
    try {
      await unlink(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.logger.error({ file: path, code }, 'cannot delete a delivered request; it may be sent again after a restart');
    }
  }
}
