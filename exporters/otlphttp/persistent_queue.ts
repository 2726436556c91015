import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Clock, diskProblem, errnoCode, FileTooLargeError, type Logger, NotRegularFileError, openRegularFile, systemClock } from '../../core/index.js';
import { COVERED_FILE, CoveredStore } from './covered_store.js';
import { DirSync } from './dir_sync.js';
import type { EncodedRequest } from './encode.js';
import { QueueFullError, type QueuedRequest, type RequestQueue, Waiters } from './queue.js';
import { queueFileHeader, queueFileName, readQueueFile } from './queue_file.js';
import { readNewerCovers, scanQueueDirectory } from './queue_scan.js';
import { SeqHeap } from './seq_heap.js';

/*
 * Written by hand because nothing well kept does this job in Node: the SDK's OTLPMetricExporter has no
 * persistence, and the queue/KV libraries on npm either keep everything in one file that a crash can tear,
 * do not fsync, or do not delete on acknowledgement. What we need is small: a FIFO of byte blobs, each
 * durable before `offer()` resolves (so the receiver's 2xx means "on disk") and deleted only once the
 * backend settled it — at-least-once, surviving `kill -9`.
 *
 * Layout: one file per request (queue_file.ts), written as `<name>.tmp`, fsync'd, renamed, then the
 * directory fsync'd (so the rename itself survives a power cut). A `.tmp` left by a crash was never
 * acknowledged upstream, so it is removed on open. Deleting after delivery skips the directory fsync: a
 * deletion lost in a crash only means one duplicate send.
 */

/** covered.json's through_seq is brought forward at least this often (requests), so a restart reads few headers. */
const THROUGH_EVERY = 1000;
/** Problems of one kind named one by one in the log before the rest are only counted. */
const NAMED_PROBLEMS = 10;
/**
 * A request file larger than this is left on disk unread: kongtel's requests are a few MiB (backends
 * refuse far less than this), and reading a file by the length it claims must not exhaust memory.
 */
export const MAX_REQUEST_FILE_BYTES = 256 * 1024 * 1024;
/** Out of file descriptors: wait this long before trying the same request again. */
const FD_RETRY_MS = 1000;

/** The queue directory cannot be used; the message says what is wrong and the fix. */
export class QueueStorageError extends Error {
  override readonly name = 'QueueStorageError';
}

export class PersistentQueue implements RequestQueue {
  /** Requests on disk, not yet handed out, smallest seq first. */
  private pending = new SeqHeap();
  private readonly inFlight = new Set<number>();
  /** Seqs `offer()` gave out whose positions are not merged yet; a Set iterates in insertion order, so the first is the smallest. */
  private readonly unmerged = new Set<number>();
  private writing = 0;
  private nextSeq = 1;
  private draining = false;
  private closed = false;
  private readonly waiters = new Waiters();
  private readonly dirSync: DirSync;
  private readonly covered: CoveredStore;
  private coveredFailing = false;
  private readProblems = 0;
  private deleteFailing = false;

  constructor(
    readonly dir: string,
    readonly capacity: number,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {
    this.dirSync = new DirSync(dir);
    this.covered = new CoveredStore(dir, logger, () => this.dirSync.sync(), () => this.throughSeq(), () => clock.now());
  }

  /** Durable mode: per log source, the highest position of any request this queue held durably. */
  coveredPositions(): ReadonlyMap<string, number> {
    return this.covered.get();
  }

  size(): number {
    return this.pending.size + this.inFlight.size + this.writing;
  }

  /**
   * Loads what a previous run left, in time and memory linear in the number of files and without opening
   * them (but the few newer than covered.json's through_seq). Throws QueueStorageError saying what is wrong.
   */
  async open(): Promise<number> {
    await this.step(`cannot create the directory ${this.dir}`, () => mkdir(this.dir, { recursive: true, mode: 0o700 }));
    const coveredFile = join(this.dir, COVERED_FILE);
    const through = await this.step(`cannot read ${coveredFile}`, () => this.covered.load());
    const found = await this.step(`cannot list ${this.dir}`, () => scanQueueDirectory(this.dir, through, this.logger));
    this.pending = found.pending;
    // Past covered.json's through_seq too: a file numbered below it must never be new.
    this.nextSeq = Math.max(found.maxSeq, through ?? 0) + 1;
    if (found.newer.length > THROUGH_EVERY) {
      this.logger.info({ dir: this.dir, files: found.newer.length }, 'reading the log positions in the headers of queued requests (covered.json does not list them yet); this happens once');
    }
    // A crash between a request's rename and covered.json leaves the position in the file only.
    await this.step('cannot read queued requests', () => readNewerCovers(this.dir, found.newer, this.logger, (c) => this.covered.merge(c)));
    // Written now so the next start reads no header, and to find an unwritable directory before data comes.
    this.covered.advance();
    try {
      await this.covered.persist();
    } catch (err) {
      const code = errnoCode(err);
      if (code !== 'ENOSPC' && code !== 'EDQUOT') throw new QueueStorageError(`cannot write ${coveredFile}: ${diskProblem(err)}`);
      // After a long outage the queue itself may have filled the disk: delivering it is what frees space.
      this.logger.warn({ dir: this.dir, problem: diskProblem(err) }, 'the persistent queue disk is full: queued requests are sent, new data is refused until there is space');
    }
    return this.pending.size;
  }

  async offer(req: EncodedRequest): Promise<void> {
    if (this.size() >= this.capacity) throw new QueueFullError(`sending queue is full (${this.capacity} requests)`);
    const seq = this.nextSeq++;
    this.unmerged.add(seq);
    const final = join(this.dir, queueFileName(seq));
    const tmp = `${final}.tmp`;
    this.writing++;
    let renamed = false;
    let kept = false;
    let moved = false;
    try {
      const fh = await open(tmp, 'wx', 0o600);
      try {
        const h = queueFileHeader(req);
        const { bytesWritten } = await fh.writev([h, req.body]);
        if (bytesWritten !== h.length + req.body.length) throw new Error(`short write to ${tmp}`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, final);
      renamed = true;
      await this.dirSync.sync();
      kept = true;
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      // The caller hears "not queued": a file left behind would be sent after a restart all the same.
      if (renamed) kept = !(await unlink(final).then(() => true, () => false));
      throw err;
    } finally {
      this.writing--;
      // The file holds the positions already; covered.json is brought up to date before it can be deleted.
      moved = kept && this.covered.merge(req.covers);
      this.unmerged.delete(seq);
    }
    if (moved) await this.persistCovered();
    else if (seq - this.covered.persistedThrough >= THROUGH_EVERY) {
      this.covered.advance();
      void this.persistCovered();
    }
    this.pending.push(seq);
    this.waiters.wakeOne();
  }

  async take(): Promise<QueuedRequest | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const seq = this.pending.pop();
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
    this.pending.push(req.seq);
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
    return { requests: this.pending.size, points: 0 };
  }

  /** covered.json may claim every request file up to here: all seqs below the oldest unmerged one. */
  private throughSeq(): number {
    const oldest = this.unmerged.values().next();
    return (oldest.done === true ? this.nextSeq : oldest.value) - 1;
  }

  private async step<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new QueueStorageError(`${what}: ${diskProblem(err)}`);
    }
  }

  /** True once covered.json holds every position merged; a failure is logged once per streak. */
  private async persistCovered(): Promise<boolean> {
    try {
      await this.covered.persist();
    } catch (err) {
      if (!this.coveredFailing) {
        this.coveredFailing = true;
        this.logger.error(
          { file: join(this.dir, COVERED_FILE), problem: diskProblem(err) },
          'cannot update covered.json in the persistent queue; delivered requests carrying log positions are kept (and sent again after a restart) until it works',
        );
      }
      return false;
    }
    if (this.coveredFailing) {
      this.coveredFailing = false;
      this.logger.info({ dir: this.dir }, 'covered.json in the persistent queue is written again');
    }
    return true;
  }

  /** The request in a file, or undefined when there is none to send (logged; corrupt files are deleted). */
  private async read(seq: number): Promise<QueuedRequest | undefined> {
    const path = join(this.dir, queueFileName(seq));
    let parsed: QueuedRequest | string;
    try {
      const { handle, size } = await openRegularFile(path, { followSymlinks: false });
      try {
        if (size > MAX_REQUEST_FILE_BYTES) throw new FileTooLargeError(path, size, MAX_REQUEST_FILE_BYTES);
        parsed = await readQueueFile(handle, size, seq);
      } finally {
        await handle.close().catch(() => undefined);
      }
    } catch (err) {
      return this.unreadable(seq, path, err);
    }
    if (this.readProblems > NAMED_PROBLEMS) this.logger.info({ dir: this.dir, skipped: this.readProblems }, 'queued requests are readable again');
    this.readProblems = 0;
    if (typeof parsed === 'string') {
      // Written whole before its rename, so this is outside damage: it can never be sent.
      this.logger.error({ file: path, problem: parsed }, 'dropping a damaged queued request file');
      await this.remove(seq);
      return undefined;
    }
    return parsed;
  }

  private async unreadable(seq: number, path: string, err: unknown): Promise<undefined> {
    const code = errnoCode(err);
    if (code === 'EMFILE' || code === 'ENFILE') {
      // Out of descriptors is passing: the request waits its turn again instead of being skipped.
      if (this.readProblems++ === 0) this.logger.error({ dir: this.dir, problem: diskProblem(err) }, 'cannot open queued requests; retrying every second');
      this.pending.push(seq);
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, FD_RETRY_MS));
      return undefined;
    }
    // Gone (deleted by hand) or not a regular file: nothing to send; kept on disk if it is there.
    if (++this.readProblems <= NAMED_PROBLEMS) {
      const msg = err instanceof NotRegularFileError || code === 'ENOENT' ? 'skipping a queued request that is not there to send' : 'cannot read a queued request; skipping it until a restart';
      this.logger.error({ file: path, problem: diskProblem(err) }, msg);
    } else if (this.readProblems === NAMED_PROBLEMS + 1) {
      this.logger.error({ dir: this.dir }, 'more queued requests cannot be read; not naming each one until a read succeeds');
    }
    return undefined;
  }

  private async remove(seq: number): Promise<void> {
    const path = join(this.dir, queueFileName(seq));
    try {
      await unlink(path);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT') return;
      if (!this.deleteFailing) {
        this.deleteFailing = true;
        this.logger.error({ file: path, problem: diskProblem(err) }, 'cannot delete delivered requests; they may be sent again after a restart (logged once until a delete works)');
      }
      return;
    }
    if (this.deleteFailing) {
      this.deleteFailing = false;
      this.logger.info({ dir: this.dir }, 'delivered requests are deleted again');
    }
  }
}
