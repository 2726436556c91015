import { BackPressureError, type Batch, type Consumer, type KongLogEntry, type LogBatch } from '../../core/index.js';
import { sleep } from './wait.js';

/**
 * The next component, played by the test. Three doubles, one per question a test asks:
 * - CapturingConsumer: what arrived (or a fixed refusal/failure);
 * - ScriptedConsumer: log batches under an answer the test changes as it goes (accept, push back with a
 *   given Retry-After, fail, hold until released), with the attempts counted;
 * - GatedConsumer: what piles up while the next component is slow (batches held in flight).
 */

/** A consumer that keeps every batch; `refuse` makes it answer with back-pressure, `fail` with an error. */
export class CapturingConsumer implements Consumer {
  readonly batches: Batch[] = [];
  refuse = false;
  fail: Error | undefined;

  async consume(batch: Batch): Promise<void> {
    if (this.refuse) throw new BackPressureError('test consumer is full', 2);
    if (this.fail) throw this.fail;
    this.batches.push(batch);
  }
}

/** A log consumer the test steers: accept, push back (with `retryAfterSeconds`), fail, or hold each batch until `release()`. */
export class ScriptedConsumer implements Consumer {
  readonly batches: LogBatch[] = [];
  attempts = 0;
  answer: 'accept' | 'refuse' | 'hold' | Error = 'accept';
  retryAfterSeconds: number;
  /** Each batch takes this long before it is answered. */
  delayMs = 0;
  private holding: (() => void)[] = [];

  constructor(options: { retryAfterSeconds?: number } = {}) {
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }

  async consume(batch: Batch): Promise<void> {
    this.attempts++;
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (this.answer === 'refuse') throw new BackPressureError('test pipeline is full', this.retryAfterSeconds);
    if (this.answer instanceof Error) throw this.answer;
    if (this.answer === 'hold') await new Promise<void>((resolve) => this.holding.push(resolve));
    this.batches.push(batch as LogBatch);
  }

  /** Answers every held batch (accepted). */
  release(): void {
    for (const resolve of this.holding.splice(0)) resolve();
  }

  get entries(): KongLogEntry[] {
    return this.batches.flatMap((b) => [...b.entries]);
  }

  /** `request.id` of every accepted entry, in order (test entries carry one). */
  ids(): string[] {
    return this.entries.map((e) => (e.request as { id: string }).id);
  }
}

/**
 * A consumer that holds every batch in flight: `release()` answers those waiting now, `open()` answers
 * them and every later one at once. `batches` lists what arrived, in order, held or not.
 */
export class GatedConsumer implements Consumer {
  readonly batches: Batch[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private opened = false;
  private waiting: (() => void)[] = [];
  private arrived: (() => void) | undefined;

  async consume(batch: Batch): Promise<void> {
    this.batches.push(batch);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.arrived?.();
    if (!this.opened) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight--;
  }

  /** Resolves once a batch is waiting. */
  nextArrival(): Promise<void> {
    return this.waiting.length > 0 ? Promise.resolve() : new Promise((resolve) => (this.arrived = resolve));
  }

  release(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }

  open(): void {
    this.opened = true;
    this.release();
  }
}
