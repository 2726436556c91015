import { SelfMetric, type CounterHandle, type SelfTelemetry } from '../../core/index.js';

/** Why downstream refused entries (label `reason` of the refused counter). */
export type RefusedReason = 'back_pressure' | 'permanent' | 'error';

/** Why the decoder rejected an entry (label `reason` of the rejected counter). */
export type RejectedReason = 'not_an_object' | 'not_a_kong_entry';

/** The receiver's self-telemetry, with every handle made once so the hot path only adds. */
export class ReceiverTelemetry {
  private readonly accepted: CounterHandle;
  private readonly refused: Record<RefusedReason, CounterHandle>;
  private readonly rejected: Record<RejectedReason, CounterHandle>;
  private readonly requestsByCode = new Map<number, CounterHandle>();

  constructor(
    private readonly telemetry: SelfTelemetry,
    private readonly receiver: string,
  ) {
    this.accepted = telemetry.counter(
      SelfMetric.receiverAcceptedLogRecords,
      'Kong log entries accepted by the pipeline.',
      { receiver },
    );
    const refused = (reason: RefusedReason): CounterHandle =>
      telemetry.counter(SelfMetric.receiverRefusedLogRecords, 'Kong log entries the pipeline refused.', {
        receiver,
        reason,
      });
    this.refused = { back_pressure: refused('back_pressure'), permanent: refused('permanent'), error: refused('error') };
    const rejected = (reason: RejectedReason): CounterHandle =>
      telemetry.counter(SelfMetric.receiverRejectedLogRecords, 'Received items that are not Kong log entries.', {
        receiver,
        reason,
      });
    this.rejected = { not_an_object: rejected('not_an_object'), not_a_kong_entry: rejected('not_a_kong_entry') };
  }

  countAccepted(n: number): void {
    this.accepted.add(n);
  }

  countRefused(reason: RefusedReason, n: number): void {
    this.refused[reason].add(n);
  }

  countRejected(reason: RejectedReason, n = 1): void {
    this.rejected[reason].add(n);
  }

  countRequest(code: number): void {
    let handle = this.requestsByCode.get(code);
    if (handle === undefined) {
      handle = this.telemetry.counter(SelfMetric.receiverRequests, 'HTTP requests answered, by status code.', {
        receiver: this.receiver,
        code: String(code),
      });
      this.requestsByCode.set(code, handle);
    }
    handle.add();
  }
}
