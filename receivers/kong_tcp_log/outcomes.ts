import { describeRejected, errorMessage, refusedReasonOf, type Logger } from '../../core/index.js';
import type { RejectedLine } from './line_decoder.js';
import type { ReceiverTelemetry } from './telemetry.js';

/**
 * Counts what became of received lines and says it in the log: rejected lines as one warning per batch
 * (line numbers and reasons, never contents), refusals once per failing streak across all connections,
 * since every connection would otherwise repeat the same line.
 */
export class Outcomes {
  private failing = false;

  constructor(
    private readonly telemetry: ReceiverTelemetry,
    private readonly logger: Logger,
  ) {}

  accepted(n: number): void {
    this.telemetry.countAccepted(n);
    if (this.failing) {
      this.failing = false;
      this.logger.info('the pipeline accepts Kong log entries again');
    }
  }

  /** Entries dropped because the pipeline refused them for good (or for longer than we could wait). */
  refused(err: unknown, n: number): void {
    const reason = refusedReasonOf(err);
    this.telemetry.countRefused(reason, n);
    if (this.failing) return;
    this.failing = true;
    this.logger.error(
      { reason, entries: n, error: errorMessage(err) },
      'the pipeline refused Kong tcp-log entries; they are dropped (logged once until it accepts entries again)',
    );
  }

  rejected(rejected: readonly RejectedLine[], kept: number, remote: string): void {
    if (rejected.length === 0) return;
    for (const r of rejected) this.telemetry.countRejected(r.reason);
    const { indexes, reasons } = describeRejected(rejected);
    this.logger.warn({ remote, rejected: rejected.length, kept, lines: indexes, reasons }, 'dropped lines that are not Kong log entries');
  }
}
