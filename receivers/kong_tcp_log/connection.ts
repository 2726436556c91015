import type { Socket } from 'node:net';
import {
  errorMessage,
  isBackPressure,
  logBatch,
  type Clock,
  type Consumer,
  type KongLogEntry,
  type Logger,
  type Timer,
} from '../../core/index.js';
import { decodeLine, type RejectedLine } from './line_decoder.js';
import { LineSplitter, type LineSink } from './line_splitter.js';
import type { Outcomes } from './outcomes.js';

/** Shortest wait before retrying a refused batch, whatever `retryAfterSeconds` says. */
const MIN_RETRY_MS = 50;

export interface ConnectionOptions {
  readonly maxLineSize: number;
  /** 0 = never close an idle connection. */
  readonly idleTimeoutMs: number;
  /** How long one batch is retried under back-pressure before it is dropped. */
  readonly backPressureTimeoutMs: number;
  readonly next: Consumer;
  readonly clock: Clock;
  readonly outcomes: Outcomes;
  readonly logger: Logger;
}

/**
 * One tcp-log connection: frames lines, decodes each into an entry, and delivers all complete lines of a
 * chunk as one batch. One batch at a time: while it is in the pipeline (or waiting to be retried after
 * back-pressure) the socket is paused, so the kernel's buffers fill and TCP flow control slows Kong down
 * instead of the receiver holding ever more in memory.
 */
export class LineConnection implements LineSink {
  readonly remote: string;
  /** Resolves once the socket closed and every line read from it has been delivered or counted. */
  readonly finished: Promise<void>;
  private resolveFinished!: () => void;
  private readonly splitter: LineSplitter;
  private lineNumber = 0;
  private entries: KongLogEntry[] = [];
  private rejected: RejectedLine[] = [];
  /** Chunks that arrived while a batch was in the pipeline; taken in order once it settles. */
  private readonly backlog: Buffer[] = [];
  private delivering = false;
  private closed = false;
  private stopping = false;
  private retryTimer: Timer | undefined;
  private retryNow: (() => void) | undefined;
  private idleWaiter: (() => void) | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly o: ConnectionOptions,
  ) {
    this.remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.splitter = new LineSplitter(o.maxLineSize, this);
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('timeout', this.onTimeout);
    // A reset or a TLS failure ends in 'close' too; without a listener it would be an uncaught error.
    socket.on('error', this.onError);
    if (o.idleTimeoutMs > 0) socket.setTimeout(o.idleTimeoutMs);
  }

  /** Stops reading; resolves once the batch in the pipeline (if any) settled. A pending retry runs now, once. */
  stop(): Promise<void> {
    this.stopping = true;
    this.socket.pause();
    const retry = this.retryNow;
    if (retry !== undefined) {
      this.retryTimer?.cancel();
      retry();
    }
    if (!this.delivering) return Promise.resolve();
    return new Promise((resolve) => (this.idleWaiter = resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  line(buf: Buffer, start: number, end: number): void {
    this.lineNumber++;
    // Blank lines (and a bare `\r` left by CRLF) carry nothing and are not worth a warning.
    if (end === start || (end - start === 1 && buf[start] === 13)) return;
    decodeLine(buf.toString('utf8', start, end), this.lineNumber, this.entries, this.rejected);
  }

  tooLong(): void {
    this.lineNumber++;
    this.rejected.push({
      index: this.lineNumber,
      reason: 'too_long',
      message: `longer than max_line_size (${this.o.maxLineSize} bytes); skipped up to its newline`,
    });
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.delivering || this.backlog.length > 0) this.backlog.push(chunk);
    else this.take(chunk);
  };

  private take(chunk: Buffer): void {
    this.splitter.push(chunk);
    const entries = this.entries;
    if (this.rejected.length > 0) {
      this.o.outcomes.rejected(this.rejected, entries.length, this.remote);
      this.rejected = [];
    }
    if (entries.length === 0) return;
    this.entries = [];
    this.delivering = true;
    this.socket.pause();
    // A connection held back by the pipeline is not idle; the timer restarts when reading resumes.
    if (this.o.idleTimeoutMs > 0) this.socket.setTimeout(0);
    this.attempt(entries, undefined);
  }

  private attempt(entries: KongLogEntry[], firstRefusedAt: number | undefined): void {
    this.retryNow = undefined;
    this.retryTimer = undefined;
    this.consumeSafely(entries).then(
      () => {
        this.o.outcomes.accepted(entries.length);
        this.settled();
      },
      (err: unknown) => this.refused(entries, err, firstRefusedAt),
    );
  }

  /** A consumer that throws instead of rejecting must not turn into an uncaught exception in a socket event. */
  private consumeSafely(entries: KongLogEntry[]): Promise<void> {
    try {
      return this.o.next.consume(logBatch(entries));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private refused(entries: KongLogEntry[], err: unknown, firstRefusedAt: number | undefined): void {
    if (isBackPressure(err) && !this.stopping) {
      const now = this.o.clock.now();
      const first = firstRefusedAt ?? now;
      const delay = Math.max(MIN_RETRY_MS, err.retryAfterSeconds * 1000);
      if (now - first + delay <= this.o.backPressureTimeoutMs) {
        const retry = (): void => this.attempt(entries, first);
        this.retryNow = retry;
        this.retryTimer = this.o.clock.setTimeout(retry, delay);
        return;
      }
    }
    this.o.outcomes.refused(err, entries.length);
    this.settled();
  }

  /** The batch is done with: take what arrived meanwhile, then read again (or finish). */
  private settled(): void {
    this.delivering = false;
    while (!this.delivering && this.backlog.length > 0) this.take(this.backlog.shift() as Buffer);
    if (this.delivering) return;
    const waiter = this.idleWaiter;
    if (waiter !== undefined) {
      this.idleWaiter = undefined;
      waiter();
    }
    if (this.closed) {
      this.finish();
      return;
    }
    if (this.stopping) return;
    if (this.o.idleTimeoutMs > 0) this.socket.setTimeout(this.o.idleTimeoutMs);
    this.socket.resume();
  }

  private readonly onClose = (): void => {
    this.closed = true;
    if (!this.delivering && this.backlog.length === 0) this.finish();
  };

  private finish(): void {
    if (this.splitter.partial) {
      // Kong ends every entry with `\n`: bytes after the last one are an entry cut off by the close.
      this.lineNumber++;
      this.o.outcomes.rejected(
        [{ index: this.lineNumber, reason: 'truncated', message: 'connection closed in the middle of a line' }],
        0,
        this.remote,
      );
    }
    this.resolveFinished();
  }

  private readonly onTimeout = (): void => {
    this.o.logger.debug({ remote: this.remote }, 'closing idle tcp-log connection');
    this.socket.destroy();
  };

  private readonly onError = (err: Error): void => {
    this.o.logger.debug({ remote: this.remote, error: errorMessage(err) }, 'tcp-log connection error');
  };
}
