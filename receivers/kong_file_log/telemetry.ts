import { type CounterHandle, LogReceiverTelemetry, SelfMetric, type SelfTelemetry } from '../../core/index.js';

export type { RefusedReason } from '../../core/index.js';

/** The shared Kong-log receiver counters, with the rejection reasons this receiver can produce. */
export class ReceiverTelemetry extends LogReceiverTelemetry {
  private readonly checkpointFailures: CounterHandle;

  constructor(telemetry: SelfTelemetry, receiver: string) {
    super(telemetry, receiver, ['malformed_json', 'not_an_object', 'not_a_kong_entry', 'too_long', 'truncated']);
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
