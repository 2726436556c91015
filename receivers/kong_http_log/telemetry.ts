import { LogReceiverTelemetry, SelfMetric, type CounterHandle, type SelfTelemetry, type ValueRejectedReason } from '../../core/index.js';

/** What the decoder rejects in a body; a body that is not JSON at all is answered 400 and not counted here. */
const REJECTED: readonly ValueRejectedReason[] = ['not_an_object', 'not_a_kong_entry'];

/** The shared Kong-log receiver counters, plus HTTP requests answered by status code. */
export class ReceiverTelemetry extends LogReceiverTelemetry<ValueRejectedReason> {
  private readonly requestsByCode = new Map<number, CounterHandle>();

  constructor(telemetry: SelfTelemetry, receiver: string) {
    super(telemetry, receiver, REJECTED);
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
