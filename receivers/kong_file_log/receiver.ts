import {
  diskProblem,
  errorMessage,
  isBackPressure,
  logBatch,
  refusedReasonOf,
  type ComponentContext,
  type Consumer,
  type Host,
  type KongLogEntry,
  type Receiver,
  type Timer,
} from '../../core/index.js';
import { CheckpointStore } from './checkpoint.js';
import type { KongFileLogConfig } from './config.js';
import { FileSet } from './file_set.js';
import { compileGlob } from './glob.js';
import { decodeChunk, type RejectedLine } from './line_decoder.js';
import { ReceiverTelemetry } from './telemetry.js';
import type { TrackedFile } from './tracked_file.js';

/** How long shutdown waits for a batch in the pipeline before saving the checkpoint without it. */
export const SHUTDOWN_GRACE_MS = 5_000;
/** Smallest read: one read must hold a whole line of max_line_size, and bigger reads make bigger batches. */
const MIN_READ_SIZE = 64 * 1024;
const MIN_RETRY_MS = 50;

/**
 * Tails Kong file-log files by polling: each round finds the files, reads each from its offset to its
 * end, delivers the entries of every read as one batch, and only then moves the offset past them. The
 * checkpoint (with `storage`) is written after the round, so a restart neither loses nor re-reads lines.
 */
export class KongFileLogReceiver implements Receiver {
  private readonly fileSet: FileSet;
  private readonly store: CheckpointStore | undefined;
  private readonly telemetry: ReceiverTelemetry;
  private readonly where: string;
  private readonly buf: Buffer;
  private timer: Timer | undefined;
  private polling: Promise<void> | undefined;
  private stopping = false;
  private dirty = false;
  private pushedBack = false;
  private failing = false;
  private pollFailing = false;
  private saveFailing = false;
  /** Files whose last read failed, so the failure is logged once, not every round. */
  private readonly broken = new Set<string>();

  constructor(
    private readonly config: KongFileLogConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
  ) {
    this.where = `receivers.${ctx.id}`;
    this.telemetry = new ReceiverTelemetry(ctx.telemetry, ctx.id);
    this.fileSet = new FileSet({
      include: config.include.map(compileGlob),
      exclude: config.exclude.map(compileGlob),
      startAt: config.start_at,
      logger: ctx.logger,
    });
    this.store = config.storage === undefined ? undefined : new CheckpointStore(ctx.storage(config.storage), ctx.id, this.where, config.storage);
    this.buf = Buffer.allocUnsafe(Math.max(MIN_READ_SIZE, config.max_line_size + 1));
  }

  async start(_host: Host): Promise<void> {
    if (this.store !== undefined) {
      const full = await this.store.init();
      if (full !== undefined) {
        this.ctx.logger.warn({ checkpoint: this.store.file, problem: full }, `${this.where}.storage: cannot write the checkpoint yet; tailing starts, offsets are saved once there is space`);
      }
      const loaded = await this.store.load(this.ctx.clock.now());
      if (loaded !== undefined && 'problem' in loaded) {
        this.ctx.logger.error(
          { checkpoint: this.store.file, problem: loaded.problem, moved_to: loaded.movedTo },
          `${this.where}.storage: the checkpoint is damaged; it was moved aside (kept for inspection) and start_at applies`,
        );
      } else if (loaded !== undefined) {
        this.fileSet.restore(loaded.files);
      }
    }
    // Where each file starts is fixed now, so every line written after start() is read.
    await this.fileSet.scan();
    this.ctx.logger.info(
      { include: this.config.include, files: this.fileSet.files.size, start_at: this.config.start_at, storage: this.config.storage },
      'tailing Kong file-log files',
    );
    this.schedule(0);
  }

  async shutdown(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.timer?.cancel();
    const polling = this.polling;
    if (polling !== undefined) {
      let deadline: Timer | undefined;
      await Promise.race([polling, new Promise<void>((resolve) => (deadline = this.ctx.clock.setTimeout(resolve, SHUTDOWN_GRACE_MS)))]);
      deadline?.cancel();
    }
    // Offsets stop before any unfinished line: it is read whole after the restart.
    await this.save();
    await this.fileSet.closeAll();
  }

  private schedule(ms: number): void {
    if (this.stopping) return;
    this.timer = this.ctx.clock.setTimeout(() => {
      this.polling = this.poll().finally(() => (this.polling = undefined));
    }, ms);
  }

  private async poll(): Promise<void> {
    let delay = this.config.poll_interval;
    try {
      await this.fileSet.scan();
      const retryAfter = await this.readAll();
      if (retryAfter !== undefined) delay = Math.max(delay, retryAfter);
      await this.save();
      if (this.pollFailing) {
        this.pollFailing = false;
        this.ctx.logger.info('tailing works again');
      }
    } catch (err) {
      if (!this.pollFailing) {
        this.pollFailing = true;
        this.ctx.logger.error({ error: errorMessage(err) }, 'tailing failed; retrying every poll_interval (logged once until it works)');
      }
    }
    this.schedule(delay);
  }

  /** Reads every file to its end, oldest first; stops at the first push-back and returns when to retry. */
  private async readAll(): Promise<number | undefined> {
    for (const file of [...this.fileSet.files.values()]) {
      if (this.stopping) return undefined;
      let retryAfter: number | undefined;
      try {
        retryAfter = await this.readFile(file);
        this.broken.delete(file.key);
      } catch (err) {
        // One unreadable file must not stop the others; it keeps its offset and is tried again next round.
        if (!this.broken.has(file.key)) {
          this.broken.add(file.key);
          this.ctx.logger.warn({ file: file.path, error: errorMessage(err) }, 'cannot read a tailed file; retrying every poll_interval');
        }
      }
      if (retryAfter !== undefined) return retryAfter;
    }
    if (this.pushedBack) {
      this.pushedBack = false;
      this.ctx.logger.info('the pipeline takes Kong log entries again; tailing resumed');
    }
    return undefined;
  }

  private async readFile(file: TrackedFile): Promise<number | undefined> {
    if (await file.check()) {
      this.dirty = true;
      this.ctx.logger.info({ file: file.path }, 'file truncated or replaced; reading it again from the start');
    }
    let progressed = false;
    while (!this.stopping) {
      const chunk = await file.read(this.buf);
      if (chunk.length === 0) break;
      const decoded = decodeChunk(chunk, file.offset, file.lines === undefined ? undefined : file.lines + 1, file.discarding, this.config.max_line_size);
      if (decoded.entries.length > 0) {
        const retryAfter = await this.deliver(decoded.entries);
        if (retryAfter !== undefined) return retryAfter;
      }
      if (decoded.rejected.length > 0) this.reportRejected(file.path, decoded.rejected, decoded.entries.length);
      file.commit(decoded);
      if (decoded.consumed > 0) {
        progressed = true;
        this.dirty = true;
      }
      if (chunk.length < this.buf.length || decoded.consumed === 0) break;
    }
    if (file.orphan && !progressed && !this.stopping) await this.retire(file);
    return undefined;
  }

  /** An orphan that gave nothing new this round is done: what is left after its last newline is cut off. */
  private async retire(file: TrackedFile): Promise<void> {
    if (file.hasPartialLine) {
      this.reportRejected(file.path, [{ index: file.offset, line: file.lines === undefined ? undefined : file.lines + 1, reason: 'truncated', message: 'the file was rotated away with an unfinished last line' }], 0);
    }
    this.fileSet.files.delete(file.key);
    await file.close();
    this.dirty = true;
  }

  /** Undefined when the batch is done with (accepted, or dropped for good); else ms to wait before retrying. */
  private async deliver(entries: KongLogEntry[]): Promise<number | undefined> {
    try {
      await this.next.consume(logBatch(entries));
    } catch (err) {
      if (isBackPressure(err)) {
        if (!this.pushedBack) {
          this.pushedBack = true;
          this.ctx.logger.warn({ retry_after_s: err.retryAfterSeconds }, 'the pipeline pushes back; tailing paused, offsets kept');
        }
        return Math.max(MIN_RETRY_MS, err.retryAfterSeconds * 1000);
      }
      const reason = refusedReasonOf(err);
      this.telemetry.countRefused(reason, entries.length);
      if (!this.failing) {
        this.failing = true;
        this.ctx.logger.error(
          { reason, entries: entries.length, error: errorMessage(err) },
          'the pipeline refused Kong file-log entries; they are dropped (logged once until it accepts entries again)',
        );
      }
      return undefined;
    }
    this.telemetry.countAccepted(entries.length);
    if (this.failing) {
      this.failing = false;
      this.ctx.logger.info('the pipeline accepts Kong log entries again');
    }
    return undefined;
  }

  private reportRejected(file: string, rejected: readonly RejectedLine[], kept: number): void {
    for (const r of rejected) this.telemetry.countRejected(r.reason);
    const shown = rejected.slice(0, 20);
    const lines = shown.every((r) => r.line !== undefined) ? shown.map((r) => r.line) : undefined;
    this.ctx.logger.warn(
      { file, rejected: rejected.length, kept, offsets: shown.map((r) => r.index), lines, reasons: [...new Set(shown.map((r) => r.message))] },
      'dropped lines that are not Kong log entries',
    );
  }

  private async save(): Promise<void> {
    if (this.store === undefined || !this.dirty) return;
    this.dirty = false;
    try {
      await this.store.save([...this.fileSet.files.values()].map((f) => f.checkpoint()));
    } catch (err) {
      this.dirty = true;
      this.telemetry.countCheckpointWriteFailure();
      // Tried again every round; logged once until it works, as each poll would otherwise log it.
      if (!this.saveFailing) {
        this.saveFailing = true;
        this.ctx.logger.error(
          { checkpoint: this.store.file, problem: diskProblem(err) },
          `${this.where}.storage: cannot write the checkpoint; tailing goes on, but a restart before it works again reads lines again (logged once until it works)`,
        );
      }
      return;
    }
    if (this.saveFailing) {
      this.saveFailing = false;
      this.ctx.logger.info({ checkpoint: this.store.file }, `${this.where}.storage: the checkpoint is written again`);
    }
  }
}
