import { type FileHandle, mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { BackPressureError, diskProblem, errorMessage, forEachEntry, type Logger, readRegularFile } from '../../../core/index.js';
import { recordHeader, RECORD_HEADER_BYTES, scanSegment, SEGMENT_MAGIC } from './wal_record.js';
import { syncDirectory } from '../../../core/index.js';
import { type Segment, segmentName, segmentStarts } from './segments.js';

/**
 * A write-ahead log with group commit: `append()` resolves once its record is on disk (fdatasync), and
 * every append that arrives while one fdatasync runs shares the next one. Right after each commit, and
 * before any append of that group resolves, `onCommit` gets the group's items in append order, so the
 * caller's state always reflects exactly the records up to `position`.
 */

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
/** Appends waiting for the disk beyond this are refused (back-pressure) rather than held in memory. */
const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;

export interface WalOptions<T> {
  readonly dir: string;
  readonly logger: Logger;
  /** Where the user configures it, for messages (e.g. `processors.kong_metrics.storage`). */
  readonly where: string;
  readonly onCommit: (items: readonly T[]) => void;
  /** Told after each fdatasync of appended records. */
  readonly onSync?: () => void;
  readonly segmentBytes?: number;
  readonly maxPendingBytes?: number;
}

/** One record handed to `replay`: its payload and the log position just past it. */
export type ReplayRecord = (payload: Buffer, end: number) => void;

export interface OpenResult {
  /** Records after the covered position, handed to `replay`. */
  readonly replayed: number;
  /** Records at or below it, skipped. */
  readonly skipped: number;
  /** Bytes of a torn or corrupt tail cut off. */
  readonly truncatedBytes: number;
}

interface Waiting<T> {
  readonly record: Buffer;
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: Error) => void;
}

export class WriteAheadLog<T> {
  private fh: FileHandle | undefined;
  /** Oldest first; the last one is the active segment, written at its `end`. */
  private readonly segments: Segment[] = [];
  private queue: Waiting<T>[] = [];
  private queuedBytes = 0;
  private flushing: Promise<void> | undefined;
  /** Set while the file may hold bytes past the last commit (a failed write); cleared once cut off. */
  private dirtyTail: string | undefined;
  /** A write failed and none has succeeded since: the error is logged once per streak. */
  private failing = false;
  private closed = false;
  private readonly segmentBytes: number;
  private readonly maxPendingBytes: number;
  /** fdatasync calls for appended records (the group-commit count). */
  syncs = 0;

  constructor(private readonly o: WalOptions<T>) {
    this.segmentBytes = o.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.maxPendingBytes = o.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  }

  /** Log position just past the last committed record: everything up to it has gone to `onCommit`. */
  get position(): number {
    return this.segments.length === 0 ? 0 : this.segments[this.segments.length - 1].end;
  }

  /** Bytes held in segment files. */
  get bytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.end - s.start;
    return n;
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /**
   * Reads what a previous run left: records ending after `covered` go to `replay` (all of them when
   * `covered` is undefined), a torn tail is cut off, then a fresh segment is started for new records.
   */
  async open(covered: number | undefined, replay: ReplayRecord): Promise<OpenResult> {
    const dir = this.o.dir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const starts = await this.segmentFiles();
    // The largest segment this log writes: one group past segmentBytes. Bigger is not ours to read whole.
    const maxBytes = Math.min(2 ** 31 - 1, 2 * (this.segmentBytes + this.maxPendingBytes));
    let replayed = 0;
    let skipped = 0;
    let truncatedBytes = 0;
    let end = 0;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i];
      const path = join(dir, segmentName(start));
      let data: Buffer;
      try {
        data = await readRegularFile(path, { followSymlinks: false, maxBytes });
      } catch (err) {
        throw new Error(`${path}: ${diskProblem(err)}`);
      }
      const scan = scanSegment(data);
      for (const r of scan.records) {
        const at = start + r.end;
        if (covered !== undefined && at <= covered) {
          skipped++;
          continue;
        }
        replay(r.payload, at);
        replayed++;
      }
      if (scan.problem !== undefined) {
        const lost = data.length - scan.validEnd;
        truncatedBytes += lost;
        const last = i === starts.length - 1;
        // A crash tears only the last segment: its torn records were never answered 2xx. Anywhere else
        // the disk lost data that had been acknowledged.
        const log = last ? this.o.logger.warn.bind(this.o.logger) : this.o.logger.error.bind(this.o.logger);
        log(
          { where: this.o.where, segment: segmentName(start), offset: scan.validEnd, bytes: lost, problem: scan.problem },
          last
            ? 'kong_metrics: cut an unfinished record off the write-ahead log (a crash interrupted its write; it was never acknowledged)'
            : 'kong_metrics: a write-ahead log segment is damaged; the entries past this offset cannot be replayed',
        );
        if (last && scan.records.length > 0) {
          const fh = await open(path, 'r+');
          try {
            await fh.truncate(scan.validEnd);
            await fh.datasync();
          } finally {
            await fh.close();
          }
        }
      }
      end = Math.max(end, start + Math.max(scan.validEnd, SEGMENT_MAGIC.length));
      if (scan.records.length > 0) this.segments.push({ start, end: start + scan.validEnd });
      else if (scan.problem === undefined || i === starts.length - 1) await unlink(path); // holds nothing
      else await rename(path, `${path}.damaged`); // kept for inspection, never read again
    }
    // Positions only grow: past everything on disk and past what the exporters already hold (their
    // record outlives a lost log directory).
    await this.createSegment(Math.max(end, covered ?? 0));
    return { replayed, skipped, truncatedBytes };
  }

  /**
   * The start positions of the segment files, oldest first, streamed from the directory. Entries named
   * like segments that are not regular files are skipped with a log line, never opened: a FIFO would
   * block start-up forever.
   */
  private async segmentFiles(): Promise<number[]> {
    const names: string[] = [];
    await forEachEntry(this.o.dir, (name, kind) => {
      if (segmentStarts([name]).length === 0) return;
      if (kind === 'file') names.push(name);
      else this.o.logger.warn({ where: this.o.where, file: join(this.o.dir, name), kind }, 'kong_metrics: skipping an entry of the write-ahead log directory that is not a regular file (remove it)');
    });
    return segmentStarts(names);
  }

  append(payload: Buffer, item: T): Promise<void> {
    if (this.closed || this.fh === undefined) {
      return Promise.reject(new BackPressureError(`${this.o.where}: the write-ahead log is not open (kongtel is starting or stopping); retry`));
    }
    if (this.queuedBytes > this.maxPendingBytes) {
      return Promise.reject(new BackPressureError(`${this.o.where}: the disk is not keeping up with the write-ahead log; retry`));
    }
    const record = Buffer.concat([recordHeader(payload), payload], RECORD_HEADER_BYTES + payload.length);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ record, item, resolve, reject });
      this.queuedBytes += record.length;
      this.flushing ??= this.flushLoop();
    });
  }

  /** Deletes the segments whose every record is at or below `covered` (never the active one). */
  async trim(covered: number): Promise<number> {
    const doomed: Segment[] = [];
    while (this.segments.length > 1 && this.segments[0].end <= covered) doomed.push(this.segments.shift() as Segment);
    for (const s of doomed) await unlink(join(this.o.dir, segmentName(s.start)));
    return doomed.length;
  }

  /** Waits for the appends in progress, then closes the file; later appends are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  /** One group per turn: everything queued while the previous fdatasync ran. */
  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      let bytes = 0;
      for (const w of group) bytes += w.record.length;
      this.queuedBytes -= bytes;
      let segment: Segment;
      try {
        segment = await this.write(group.map((w) => w.record), bytes);
      } catch (err) {
        const error = new BackPressureError(`${this.o.where}: cannot write the write-ahead log (${errorMessage(err)}); retry`);
        for (const w of group) w.reject(error);
        continue;
      }
      // The position moves and the state takes the records in one synchronous step: an emission can
      // never see a position whose records are not in the state yet.
      segment.end += bytes;
      this.syncs++;
      this.o.onSync?.();
      try {
        this.o.onCommit(group.map((w) => w.item));
      } catch (err) {
        this.o.logger.error({ where: this.o.where, error: errorMessage(err) }, 'kong_metrics: failed to aggregate committed entries');
      }
      for (const w of group) w.resolve();
    }
    this.flushing = undefined;
  }

  /** Writes and fdatasyncs a group at the end of the active segment; returns that segment (its end not yet moved). */
  private async write(records: Buffer[], bytes: number): Promise<Segment> {
    if (this.dirtyTail !== undefined) await this.cutDirtyTail();
    let active = this.segments[this.segments.length - 1];
    if (active.end - active.start >= this.segmentBytes) {
      await this.createSegment(active.end);
      active = this.segments[this.segments.length - 1];
    }
    const fh = this.fh as FileHandle;
    const offset = active.end - active.start;
    try {
      await writeAll(fh, records.length === 1 ? records[0] : Buffer.concat(records, bytes), offset);
      await fh.datasync();
    } catch (err) {
      // Nothing of a failed group may be replayed later: its senders were told to retry. The tail is cut
      // now, or before the next write if that fails too.
      this.dirtyTail = errorMessage(err);
      if (!this.failing) {
        this.failing = true;
        this.o.logger.error({ where: this.o.where, error: this.dirtyTail }, 'kong_metrics: write-ahead log write failed; refusing entries (503) until it works');
      }
      await this.cutDirtyTail().catch(() => undefined);
      throw err;
    }
    if (this.failing) {
      this.failing = false;
      this.o.logger.info({ where: this.o.where }, 'kong_metrics: write-ahead log writable again');
    }
    return active;
  }

  private async cutDirtyTail(): Promise<void> {
    const active = this.segments[this.segments.length - 1];
    const fh = this.fh as FileHandle;
    await fh.truncate(active.end - active.start);
    await fh.datasync();
    this.dirtyTail = undefined;
  }

  /** A new active segment at `start`: created, its magic fsync'd, the directory fsync'd. */
  private async createSegment(start: number): Promise<void> {
    const path = join(this.o.dir, segmentName(start));
    const fh = await open(path, 'wx', 0o600);
    try {
      await writeAll(fh, SEGMENT_MAGIC, 0);
      await fh.datasync();
      await syncDirectory(this.o.dir);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw err;
    }
    const previous = this.fh;
    this.fh = fh;
    this.segments.push({ start, end: start + SEGMENT_MAGIC.length });
    await previous?.close();
  }
}

async function writeAll(fh: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    if (bytesWritten <= 0) throw new Error('the disk accepted no bytes');
    done += bytesWritten;
  }
}
