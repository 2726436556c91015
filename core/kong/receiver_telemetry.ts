import { REFUSED_REASONS, type RefusedReason, type RejectedReason } from '../reasons.js';
import { SelfMetric, type CounterHandle, type SelfTelemetry } from '../telemetry.js';

/**
 * The self-telemetry every Kong-log receiver reports (http-log, tcp-log, udp-log, file-log), so their
 * counters read the same on the admin `/metrics`. Handles are made once so the hot path only adds.
 * `rejectedReasons`: the reasons this receiver can produce, shown as 0 from the start; the type lets it
 * count no other, so its README table (test/receivers/reasons.test.ts) lists all it can count.
 */
export class LogReceiverTelemetry<R extends RejectedReason = RejectedReason> {
  private readonly accepted: CounterHandle;
  private readonly refused = new Map<RefusedReason, CounterHandle>();
  private readonly rejected = new Map<R, CounterHandle>();

  constructor(
    protected readonly telemetry: SelfTelemetry,
    protected readonly receiver: string,
    rejectedReasons: readonly R[],
  ) {
    this.accepted = telemetry.counter(SelfMetric.receiverAcceptedLogRecords, 'Kong log entries accepted by the pipeline.', { receiver });
    for (const reason of REFUSED_REASONS) {
      this.refused.set(reason, telemetry.counter(SelfMetric.receiverRefusedLogRecords, 'Kong log entries the pipeline refused.', { receiver, reason }));
    }
    for (const reason of rejectedReasons) this.rejectedHandle(reason);
  }

  countAccepted(n: number): void {
    this.accepted.add(n);
  }

  countRefused(reason: RefusedReason, n: number): void {
    this.refused.get(reason)?.add(n);
  }

  countRejected(reason: R, n = 1): void {
    this.rejectedHandle(reason).add(n);
  }

  private rejectedHandle(reason: R): CounterHandle {
    let h = this.rejected.get(reason);
    if (h === undefined) {
      h = this.telemetry.counter(SelfMetric.receiverRejectedLogRecords, 'Received items that are not Kong log entries.', {
        receiver: this.receiver,
        reason,
      });
      this.rejected.set(reason, h);
    }
    return h;
  }
}
