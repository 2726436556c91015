import type { Attributes, HrTime } from '@opentelemetry/api';
import { sameAttributes } from './attribute_hash.js';

/** What every stream remembers about its last accepted cumulative point. */
export interface Baseline {
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  /** `endTime` in epoch milliseconds, for ordering and staleness. */
  readonly timeMs: number;
}

/** One stream's state. The links make the table's least-recently-seen list (O(1) touch and eviction). */
export class Stream<B extends Baseline> {
  older: Stream<Baseline> | undefined = undefined;
  newer: Stream<Baseline> | undefined = undefined;
  /** The next stream of the same metric whose attributes hash the same (rare). */
  sameHash: Stream<B> | undefined = undefined;
  /** False once evicted or swept, so late undo records leave it alone. */
  live = true;

  constructor(
    readonly owner: MetricStreams<B>,
    readonly hash: number,
    readonly attributes: Attributes,
    public baseline: B,
  ) {}
}

/** The streams of one metric (same resource, scope, name, unit, type), found by their point attributes. */
export class MetricStreams<B extends Baseline> {
  readonly streams = new Map<number, Stream<B>>();

  constructor(
    readonly key: string,
    readonly parent: Map<string, MetricStreams<B>>,
  ) {}

  find(hash: number, attributes: Attributes): Stream<B> | undefined {
    let s = this.streams.get(hash);
    while (s !== undefined && !sameAttributes(s.attributes, attributes)) s = s.sameHash;
    return s;
  }

  insert(s: Stream<B>): void {
    if (this.streams.size === 0) this.parent.set(this.key, this);
    s.sameHash = this.streams.get(s.hash);
    this.streams.set(s.hash, s);
  }

  delete(s: Stream<B>): void {
    const head = this.streams.get(s.hash);
    if (head === s) {
      if (s.sameHash === undefined) this.streams.delete(s.hash);
      else this.streams.set(s.hash, s.sameHash);
    } else {
      let prev = head;
      while (prev !== undefined && prev.sameHash !== s) prev = prev.sameHash;
      if (prev !== undefined) prev.sameHash = s.sameHash;
    }
    // Empty: unregister, so metrics that stopped reporting leave nothing behind.
    if (this.streams.size === 0 && this.parent.get(this.key) === this) this.parent.delete(this.key);
  }
}

export type EvictionReason = 'max_streams' | 'stale';

/**
 * All streams of one processor instance. A map per metric keeps per-point lookups to a numeric hash of
 * the point attributes; one linked list across all streams orders them by when they were last seen, so
 * the cap evicts the least recently seen stream without scanning.
 */
export class StreamTable {
  private oldest: Stream<Baseline> | undefined;
  private newest: Stream<Baseline> | undefined;
  private count = 0;

  constructor(
    private readonly maxStreams: number,
    private readonly onEvict: (reason: EvictionReason, n: number) => void,
  ) {}

  get size(): number {
    return this.count;
  }

  /** The metric's streams; registered in `parent` only once a stream is added, so empty metrics leave no trace. */
  metric<B extends Baseline>(parent: Map<string, MetricStreams<B>>, key: string): MetricStreams<B> {
    return parent.get(key) ?? new MetricStreams(key, parent);
  }

  add<B extends Baseline>(owner: MetricStreams<B>, hash: number, attributes: Attributes, baseline: B): Stream<B> {
    // A copy: the stream outlives the batch, and its attributes are what later points are compared with.
    const s = new Stream(owner, hash, { ...attributes }, baseline);
    owner.insert(s);
    this.append(s);
    this.count++;
    if (this.count > this.maxStreams && this.oldest !== undefined && this.oldest !== s) {
      this.remove(this.oldest);
      this.onEvict('max_streams', 1);
    }
    return s;
  }

  /** Marks a stream as the most recently seen. */
  touch(s: Stream<Baseline>): void {
    if (s === this.newest || !s.live) return;
    this.unlink(s);
    this.append(s);
  }

  remove(s: Stream<Baseline>): void {
    if (!s.live) return;
    s.live = false;
    this.unlink(s);
    this.count--;
    s.owner.delete(s);
  }

  /** Forgets every stream whose last point is older than `cutoffMs` (the Collector compares point times too). */
  sweep(cutoffMs: number): number {
    let removed = 0;
    let s = this.oldest;
    while (s !== undefined) {
      const next = s.newer;
      if (s.baseline.timeMs < cutoffMs) {
        this.remove(s);
        removed++;
      }
      s = next;
    }
    if (removed > 0) this.onEvict('stale', removed);
    return removed;
  }

  private append(s: Stream<Baseline>): void {
    s.older = this.newest;
    s.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = s;
    else this.oldest = s;
    this.newest = s;
  }

  private unlink(s: Stream<Baseline>): void {
    if (s.older !== undefined) s.older.newer = s.newer;
    else this.oldest = s.newer;
    if (s.newer !== undefined) s.newer.older = s.older;
    else this.newest = s.older;
    s.older = undefined;
    s.newer = undefined;
  }
}
