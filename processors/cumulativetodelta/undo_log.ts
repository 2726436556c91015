import type { Baseline, Stream, StreamTable } from './stream_table.js';

/**
 * The baselines one batch changed, so they can be put back when the batch is refused downstream: the
 * receiver's client resends it (or the next point arrives) and the increment is counted then, not lost.
 */
export class UndoLog {
  private readonly streams: Stream<Baseline>[] = [];
  private readonly before: (Baseline | undefined)[] = [];
  private readonly after: Baseline[] = [];

  /** `before` undefined: the batch created the stream. */
  record(stream: Stream<Baseline>, before: Baseline | undefined, after: Baseline): void {
    this.streams.push(stream);
    this.before.push(before);
    this.after.push(after);
  }

  /** Reverts, newest first, every change that a later batch has not superseded. */
  rollback(table: StreamTable): number {
    let reverted = 0;
    for (let i = this.streams.length - 1; i >= 0; i--) {
      const s = this.streams[i];
      if (!s.live || s.baseline !== this.after[i]) continue;
      const before = this.before[i];
      if (before === undefined) table.remove(s);
      else s.baseline = before;
      reverted++;
    }
    return reverted;
  }
}
