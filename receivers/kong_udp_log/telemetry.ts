import { LogReceiverTelemetry, type SelfTelemetry } from '../../core/index.js';

export type { RefusedReason } from '../../core/index.js';

/** The shared Kong-log receiver counters, with the rejection reasons this receiver can produce. */
export class ReceiverTelemetry extends LogReceiverTelemetry {
  constructor(telemetry: SelfTelemetry, receiver: string) {
    super(telemetry, receiver, ['malformed_json', 'not_an_object', 'not_a_kong_entry']);
  }
}
