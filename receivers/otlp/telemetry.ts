import {
  REFUSED_REASONS,
  REJECTED_POINT_REASONS,
  SelfMetric,
  type CounterHandle,
  type RefusedReason as PipelineRefusedReason,
  type RejectedPointReason,
  type SelfTelemetry,
} from '../../core/index.js';

/**
 * Why points were refused (label `reason` of the refused counter): downstream said so (`back_pressure`,
 * `permanent`, `error`), or the receiver dropped them while converting (`summary`, `invalid`).
 */
export type RefusedReason = PipelineRefusedReason | RejectedPointReason;

const REASONS: readonly RefusedReason[] = [...REFUSED_REASONS, ...REJECTED_POINT_REASONS];

/** The receiver's self-telemetry, with every handle made once so the hot path only adds. */
export class ReceiverTelemetry {
  private readonly accepted: CounterHandle;
  private readonly refused = new Map<RefusedReason, CounterHandle>();
  private readonly requestsByCode = new Map<number, CounterHandle>();

  constructor(
    private readonly telemetry: SelfTelemetry,
    private readonly receiver: string,
  ) {
    this.accepted = telemetry.counter(SelfMetric.receiverAcceptedMetricPoints, 'Metric data points accepted by the pipeline.', {
      receiver,
    });
    for (const reason of REASONS) {
      this.refused.set(
        reason,
        telemetry.counter(SelfMetric.receiverRefusedMetricPoints, 'Metric data points the pipeline refused or the receiver dropped.', {
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
    if (n > 0) this.refused.get(reason)?.add(n);
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
