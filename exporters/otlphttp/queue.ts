import type { EncodedRequest } from './encode.js';

/** A request as the queue hands it to a consumer; `seq` orders requests (and names their files on disk). */
export interface QueuedRequest extends EncodedRequest {
  readonly seq: number;
}

/** The queue is at `queue_size`: the caller must push back upstream, not drop. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
}

/**
 * The sending queue between `consume()` and the consumers that talk to the backend. Size counts every
 * request held, waiting or in flight, so a down backend fills it and back-pressure reaches the receivers.
 */
export interface RequestQueue {
  readonly capacity: number;
  /** Requests held: waiting, in flight, or being written. */
  size(): number;
  /** Prepares the queue; a persistent queue loads what a previous run left. Returns requests recovered. */
  open(): Promise<number>;
  /** Resolves once the request is held (on disk, for the persistent queue); rejects with QueueFullError. */
  offer(req: EncodedRequest): Promise<void>;
  /** The oldest waiting request; waits for one; undefined once closed, or once drained and empty. */
  take(): Promise<QueuedRequest | undefined>;
  /** The backend settled the request (accepted, or refused for good): forget it. */
  done(req: QueuedRequest): Promise<void>;
  /** The request was not settled (shutdown cut it short): keep it. */
  putBack(req: QueuedRequest): void;
  /** From now on `take()` answers undefined when nothing is waiting (shutdown: let consumers finish). */
  drain(): void;
  /** From now on `take()` answers undefined. */
  close(): void;
  /** Waiting requests and their points (what a memory queue loses at shutdown). */
  waiting(): { requests: number; points: number };
}

/** Consumers blocked in `take()`, woken when a request arrives or the queue closes. */
export class Waiters {
  private readonly waiting: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  wakeOne(): void {
    this.waiting.shift()?.();
  }

  wakeAll(): void {
    for (const w of this.waiting.splice(0)) w();
  }
}
