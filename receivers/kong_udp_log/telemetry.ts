import { LogReceiverTelemetry, type EntryRejectedReason, type SelfTelemetry } from '../../core/index.js';

/** A datagram is one entry or nothing: never too long for a line, never cut by a close. */
const REJECTED: readonly EntryRejectedReason[] = ['malformed_json', 'not_an_object', 'not_a_kong_entry'];

/** The shared Kong-log receiver counters, with the rejection reasons this receiver can produce. */
export class ReceiverTelemetry extends LogReceiverTelemetry<EntryRejectedReason> {
  constructor(telemetry: SelfTelemetry, receiver: string) {
    super(telemetry, receiver, REJECTED);
  }
}
