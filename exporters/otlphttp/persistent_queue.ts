import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger, LogPosition } from '../../core/index.js';
import { COVERED_FILE, CoveredStore } from './covered_store.js';
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
 * A request that carries write-ahead-log positions (durable mode, docs/durability.md) is "KTQ2": the same,
 * then covers length u32 BE | covers (JSON) before the body — written in the same file, so the data and
 * how far it covers the log are on disk together or not at all.
 */

const MAGIC = Buffer.from('KTQ1', 'latin1');
const MAGIC_COVERS = Buffer.from('KTQ2', 'latin1');
const HEADER_BYTES = 16;
const COVERS_HEADER_BYTES = HEADER_BYTES + 4;
const FILE_NAME = /^(\d{16})\.req$/;
const ENCODINGS: readonly Encoding[] = ['proto', 'json'];
const COMPRESSIONS: readonly Compression[] = ['none', 'gzip'];

function fileName(seq: number): string {
  return `${String(seq).padStart(16, '0')}.req`;
}

function header(req: EncodedRequest): Buffer {
  const covers = req.covers !== undefined && req.covers.length > 0 ? Buffer.from(JSON.stringify(req.covers), 'utf8') : undefined;
  const h = Buffer.alloc(covers === undefined ? HEADER_BYTES : COVERS_HEADER_BYTES + covers.length);
  (covers === undefined ? MAGIC : MAGIC_COVERS).copy(h, 0);
  h.writeUInt8(ENCODINGS.indexOf(req.encoding), 4);
  h.writeUInt8(COMPRESSIONS.indexOf(req.compression), 5);
  h.writeUInt32BE(req.points >>> 0, 8);
  h.writeUInt32BE(req.body.length, 12);
  if (covers !== undefined) {
    h.writeUInt32BE(covers.length, HEADER_BYTES);
    covers.copy(h, COVERS_HEADER_BYTES);
  }
  return h;
}

function parseCovers(text: string): LogPosition[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(v)) return undefined;
  const out: LogPosition[] = [];
  for (const c of v as unknown[]) {
    const { source, position } = (c ?? {}) as { source?: unknown; position?: unknown };
    if (typeof source !== 'string' || typeof position !== 'number' || !Number.isSafeInteger(position)) return undefined;
    out.push({ source, position });
  }
  return out;
}

/** Where the body starts and the covers a file's header holds, or a reason it is not a queue file. */
function parseHeader(data: Buffer): { bodyAt: number; covers?: LogPosition[] } | string {
  if (data.length >= HEADER_BYTES && data.subarray(0, 4).equals(MAGIC)) return { bodyAt: HEADER_BYTES };
  if (data.length < COVERS_HEADER_BYTES || !data.subarray(0, 4).equals(MAGIC_COVERS)) return 'not a kongtel queue file';
  const length = data.readUInt32BE(HEADER_BYTES);
  if (data.length < COVERS_HEADER_BYTES + length) return 'truncated header';
  const covers = parseCovers(data.toString('utf8', COVERS_HEADER_BYTES, COVERS_HEADER_BYTES + length));
  return covers === undefined ? 'unreadable log positions' : { bodyAt: COVERS_HEADER_BYTES + length, covers };
}

/** The request in a file, or a reason it cannot be one (torn or foreign file). */
function parseFile(seq: number, data: Buffer): QueuedRequest | string {
  const h = parseHeader(data);
  if (typeof h === 'string') return h;
  const encoding = ENCODINGS[data.readUInt8(4)];
  const compression = COMPRESSIONS[data.readUInt8(5)];
  if (encoding === undefined || compression === undefined) return 'unknown encoding or compression';
  const length = data.readUInt32BE(12);
  if (data.length !== h.bodyAt + length) return `truncated (${data.length - h.bodyAt} of ${length} body bytes)`;
  const req = { seq, encoding, compression, points: data.readUInt32BE(8), body: data.subarray(h.bodyAt) };
  return h.covers === undefined ? req : { ...req, covers: h.covers };
}

/** The log positions in a queue file's header, read without reading its body. */
async function readCovers(path: string): Promise<LogPosition[] | undefined> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(COVERS_HEADER_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    if (bytesRead < COVERS_HEADER_BYTES || !head.subarray(0, 4).equals(MAGIC_COVERS)) return undefined;
    const length = head.readUInt32BE(HEADER_BYTES);
    const all = Buffer.alloc(COVERS_HEADER_BYTES + length);
    head.copy(all);
    await fh.read(all, COVERS_HEADER_BYTES, length, COVERS_HEADER_BYTES);
    const h = parseHeader(all);
    return typeof h === 'string' ? undefined : h.covers;
  } finally {
    await fh.close();
  }
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
  private readonly covered: CoveredStore;
  private coveredFailing = false;

  constructor(
    readonly dir: string,
    readonly capacity: number,
    private readonly logger: Logger,
  ) {
    this.dirSync = new DirSync(dir);
    this.covered = new CoveredStore(dir, logger, () => this.dirSync.sync());
  }

  /** Durable mode: per log source, the highest position of any request this queue held durably. */
  coveredPositions(): ReadonlyMap<string, number> {
    return this.covered.get();
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
        if (name !== `${COVERED_FILE}.tmp`) torn++;
        continue;
      }
      const m = FILE_NAME.exec(name);
      if (m) found.push(Number(m[1]));
    }
    if (torn > 0) this.logger.warn({ dir: this.dir, files: torn }, 'removed unfinished queue files left by a crash (never acknowledged upstream)');
    found.sort((a, b) => a - b);
    await this.covered.load();
    // A crash between a request's rename and covered.json leaves the position in the file only.
    for (const seq of found) {
      const covers = await readCovers(join(this.dir, fileName(seq))).catch(() => undefined);
      this.covered.merge(covers);
    }
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
    // The file holds the positions already; covered.json is brought up to date before it can be deleted.
    if (this.covered.merge(req.covers)) await this.persistCovered();
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
    // Deleting the only record of a position would let a restart replay what the backend already has.
    if (req.covers !== undefined && this.covered.behind && !(await this.persistCovered())) return;
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

  /** True once covered.json holds every position merged; a failure is logged once per streak. */
  private async persistCovered(): Promise<boolean> {
    try {
      await this.covered.persist();
    } catch (err) {
      if (!this.coveredFailing) {
        this.coveredFailing = true;
        this.logger.error(
          { dir: this.dir, err: err instanceof Error ? err.message : String(err) },
          'cannot update covered.json in the persistent queue; delivered requests carrying log positions are kept (and sent again after a restart) until it works',
        );
      }
      return false;
    }
    this.coveredFailing = false;
    return true;
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
