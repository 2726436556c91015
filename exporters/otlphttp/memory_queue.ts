import type { EncodedRequest } from './encode.js';
import { QueueFullError, type QueuedRequest, type RequestQueue, Waiters } from './queue.js';

/** The default sending queue: fast, bounded, and lost on restart (shutdown counts what it loses). */
export class MemoryQueue implements RequestQueue {
  private readonly items: QueuedRequest[] = [];
  private inFlight = 0;
  private nextSeq = 1;
  private draining = false;
  private closed = false;
  private readonly waiters = new Waiters();

  constructor(readonly capacity: number) {}

  size(): number {
    return this.items.length + this.inFlight;
  }

  async open(): Promise<number> {
    return 0;
  }

  async offer(req: EncodedRequest): Promise<void> {
    if (this.size() >= this.capacity) throw new QueueFullError(`sending queue is full (${this.capacity} requests)`);
    this.items.push({ ...req, seq: this.nextSeq++ });
    this.waiters.wakeOne();
  }

  async take(): Promise<QueuedRequest | undefined> {
    for (;;) {
      if (this.closed) return undefined;
      const next = this.items.shift();
      if (next) {
        this.inFlight++;
        return next;
      }
      if (this.draining) return undefined;
      await this.waiters.wait();
    }
  }

  async done(): Promise<void> {
    this.inFlight--;
  }

  putBack(req: QueuedRequest): void {
    this.inFlight--;
    this.items.unshift(req);
  }

  drain(): void {
    this.draining = true;
    this.waiters.wakeAll();
  }

  close(): void {
    this.closed = true;
    this.waiters.wakeAll();
  }

  waiting(): { requests: number; points: number } {
    let points = 0;
    for (const r of this.items) points += r.points;
    return { requests: this.items.length, points };
  }
}
