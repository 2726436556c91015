/** What one receiver's fuzz run came to. */
export class ReceiverReport {
  cases = 0;
  /** Cases that broke a rule (wrong status, no answer, lines not accounted for…). */
  failed = 0;
  /** The first failures, each with the fast-check seed and path that generate its input again. */
  readonly failures: string[] = [];
  /** What must reach the exporter: counted Kong entries, or (OTLP) the points of undamaged requests. */
  expected = 0;
  /** What the capture exporter got. */
  counted = 0;
  /** Answers (or stream outcomes) by kind, e.g. `200`, `413`, `reset`, `closed`. */
  readonly outcomes: Record<string, number> = {};

  constructor(
    readonly receiver: string,
    readonly seed: number,
  ) {}

  outcome(kind: string | number): void {
    const key = String(kind);
    this.outcomes[key] = (this.outcomes[key] ?? 0) + 1;
  }

  fail(run: number, problem: string, input: string): void {
    this.failed++;
    if (this.failures.length < 20) {
      this.failures.push(`${this.receiver} run ${run} (fast-check seed ${this.seed}, path "${run}"): ${problem}; input ${input}`);
    }
  }

  /** A failure of the run as a whole (totals), not of one case. */
  failTotal(problem: string): void {
    this.failed++;
    this.failures.push(`${this.receiver}: ${problem}`);
  }
}

/** A short, printable view of a generated input for a failure message: size and its first bytes. */
export function preview(bytes: Buffer, max = 160): string {
  const head = bytes.subarray(0, max).toString('utf8');
  return `${bytes.length} bytes ${JSON.stringify(head)}${bytes.length > max ? '…' : ''}`;
}
