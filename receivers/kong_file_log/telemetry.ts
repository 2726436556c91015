import { REJECTED_REASONS, type CounterHandle, LogReceiverTelemetry, SelfMetric, type SelfTelemetry } from '../../core/index.js';

/** The shared Kong-log receiver counters, with the rejection reasons this receiver can produce. */
export class ReceiverTelemetry extends LogReceiverTelemetry {
  private readonly checkpointFailures: CounterHandle;

  constructor(telemetry: SelfTelemetry, receiver: string) {
    super(telemetry, receiver, REJECTED_REASONS);
    this.checkpointFailures = telemetry.counter(
      SelfMetric.receiverCheckpointWriteFailures,
      'Checkpoint (read offsets) writes that failed; until one succeeds, a restart may read lines again.',
      { receiver },
    );
  }

  countCheckpointWriteFailure(): void {
    this.checkpointFailures.add();
  }
}
