import type { Stream } from './stream.js';

/**
 * Every stream, least recently updated first: an update moves a stream to the new end, so the streams
 * past `metric_expiration` are the ones at the old end and a sweep touches only those, never all of
 * them (a sweep over a million streams would block the event loop). The links live on the streams
 * themselves, so keeping the order costs no allocation on the hot path.
 *
 * The order follows the exporter's clock; if the system clock steps back, a stream may sit behind a
 * newer one and is swept once that one expires too — late by at most the step, never early.
 */
export class Recency {
  private oldestStream: Stream | undefined;
  private newestStream: Stream | undefined;

  get oldest(): Stream | undefined {
    return this.oldestStream;
  }

  append(s: Stream): void {
    s.older = this.newestStream;
    s.newer = undefined;
    if (this.newestStream !== undefined) this.newestStream.newer = s;
    else this.oldestStream = s;
    this.newestStream = s;
  }

  /** Marks a stream as the most recently updated. */
  touch(s: Stream): void {
    if (s === this.newestStream) return;
    this.remove(s);
    this.append(s);
  }

  remove(s: Stream): void {
    if (s.older !== undefined) s.older.newer = s.newer;
    else if (this.oldestStream === s) this.oldestStream = s.newer;
    if (s.newer !== undefined) s.newer.older = s.older;
    else if (this.newestStream === s) this.newestStream = s.older;
    s.older = undefined;
    s.newer = undefined;
  }
}
