/** Where a `LineSplitter` hands what it finds. */
export interface LineSink {
  /** One complete line, without its `\n`: bytes `start`..`end` of `buf`. */
  line(buf: Buffer, start: number, end: number): void;
  /** A line longer than the limit: reported once, when it crosses the limit; its bytes are discarded. */
  tooLong(): void;
}

/**
 * Frames newline-delimited bytes that arrive in chunks cut at any byte. Complete lines inside a chunk are
 * handed out as slices of it (no copy); only an unfinished tail is kept, and never more than
 * `maxLineSize` bytes of it: a longer line is reported at once and the rest of it skipped up to its `\n`.
 */
export class LineSplitter {
  private held: Buffer[] = [];
  private heldBytes = 0;
  private discarding = false;

  constructor(
    private readonly maxLineSize: number,
    private readonly sink: LineSink,
  ) {}

  /** True while an unfinished line is held or being skipped (what a closing connection would cut off). */
  get partial(): boolean {
    return this.heldBytes > 0 || this.discarding;
  }

  push(chunk: Buffer): void {
    const max = this.maxLineSize;
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      if (this.discarding) {
        this.discarding = false;
      } else if (this.heldBytes > 0) {
        const length = this.heldBytes + (nl - start);
        if (length > max) {
          this.sink.tooLong();
        } else {
          this.held.push(chunk.subarray(start, nl));
          this.sink.line(Buffer.concat(this.held, length), 0, length);
        }
        this.held = [];
        this.heldBytes = 0;
      } else if (nl - start > max) {
        this.sink.tooLong();
      } else {
        this.sink.line(chunk, start, nl);
      }
      start = nl + 1;
    }
    if (start === chunk.length || this.discarding) return;
    const rest = chunk.length - start;
    if (this.heldBytes + rest > max) {
      this.sink.tooLong();
      this.discarding = true;
      this.held = [];
      this.heldBytes = 0;
      return;
    }
    // A slice keeps the whole chunk alive; copying the tail keeps held memory to the line's own bytes.
    this.held.push(Buffer.from(chunk.subarray(start)));
    this.heldBytes += rest;
  }
}
