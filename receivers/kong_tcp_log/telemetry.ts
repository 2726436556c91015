import { REJECTED_REASONS, LogReceiverTelemetry, type SelfTelemetry } from '../../core/index.js';

/** The shared Kong-log receiver counters, with the rejection reasons this receiver can produce. */
export class ReceiverTelemetry extends LogReceiverTelemetry {
  constructor(telemetry: SelfTelemetry, receiver: string) {
    super(telemetry, receiver, REJECTED_REASONS);
  }
}
