import { SelfMetric, type CounterHandle, type SelfTelemetry } from '../../core/index.js';
import type { RejectedReason } from './line_decoder.js';

/** Why downstream refused entries (label `reason` of the refused counter). */
export type RefusedReason = 'back_pressure' | 'permanent' | 'error';

const REJECTED_REASONS: readonly RejectedReason[] = ['malformed_json', 'not_an_object', 'not_a_kong_entry', 'too_long', 'truncated'];
const REFUSED_REASONS: readonly RefusedReason[] = ['back_pressure', 'permanent', 'error'];

/** The receiver's self-telemetry, with every handle made once so the hot path only adds. */
export class ReceiverTelemetry {
  private readonly accepted: CounterHandle;
  private readonly refused = new Map<RefusedReason, CounterHandle>();
  private readonly rejected = new Map<RejectedReason, CounterHandle>();

  constructor(telemetry: SelfTelemetry, receiver: string) {
    this.accepted = telemetry.counter(SelfMetric.receiverAcceptedLogRecords, 'Kong log entries accepted by the pipeline.', {
      receiver,
    });
    for (const reason of REFUSED_REASONS) {
      this.refused.set(
        reason,
        telemetry.counter(SelfMetric.receiverRefusedLogRecords, 'Kong log entries the pipeline refused.', { receiver, reason }),
      );
    }
    for (const reason of REJECTED_REASONS) {
      this.rejected.set(
        reason,
        telemetry.counter(SelfMetric.receiverRejectedLogRecords, 'Received items that are not Kong log entries.', {
          receiver,
          reason,
        }),
      );
    }
  }

  countAccepted(n: number): void {
    this.accepted.add(n);
  }

  countRefused(reason: RefusedReason, n: number): void {
    this.refused.get(reason)?.add(n);
  }

  countRejected(reason: RejectedReason, n = 1): void {
    this.rejected.get(reason)?.add(n);
  }
}
