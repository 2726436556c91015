/**
 * Sequence numbers waiting to be sent, smallest first: a binary min-heap over a growable Float64Array
 * (8 bytes a request; seqs stay below 2^53). A restart after a long outage hands it a million seqs in
 * directory order; `heapify` makes them a heap in O(n) without sorting, and every `push`/`pop`
 * after is O(log n) — where an array's `shift()` and `splice()` would move the whole million each time.
 * Hand-written: Node has no priority queue, and this one job is thirty lines.
 */
export class SeqHeap {
  private a: Float64Array;
  private n = 0;

  constructor(capacity = 64) {
    this.a = new Float64Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.n;
  }

  /** Adds a seq without ordering it: call `heapify()` after the last one, before any `pop()`. */
  appendUnordered(seq: number): void {
    this.reserve(this.n + 1);
    this.a[this.n++] = seq;
  }

  /** Orders what `appendUnordered` added, in O(n) (Floyd's bottom-up construction). */
  heapify(): void {
    for (let i = (this.n >> 1) - 1; i >= 0; i--) this.down(i);
  }

  push(seq: number): void {
    this.reserve(this.n + 1);
    let i = this.n++;
    const a = this.a;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent] <= seq) break;
      a[i] = a[parent];
      i = parent;
    }
    a[i] = seq;
  }

  pop(): number | undefined {
    if (this.n === 0) return undefined;
    const top = this.a[0];
    this.n--;
    if (this.n > 0) {
      this.a[0] = this.a[this.n];
      this.down(0);
    }
    return top;
  }

  private down(i: number): void {
    const a = this.a;
    const n = this.n;
    const v = a[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && a[child + 1] < a[child]) child++;
      if (a[child] >= v) break;
      a[i] = a[child];
      i = child;
    }
    a[i] = v;
  }

  private reserve(needed: number): void {
    if (needed <= this.a.length) return;
    let size = this.a.length;
    while (size < needed) size *= 2;
    const bigger = new Float64Array(size);
    bigger.set(this.a.subarray(0, this.n));
    this.a = bigger;
  }
}
