import { SelfMetric, type ComponentContext, type Consumer, type Receiver, type ReceiverFactory, type SelfTelemetry } from '../../core/index.js';
import { startedAs } from './context.js';

/**
 * A receiver as the collector makes it: `factory` parses `config` (as written in YAML) and builds it,
 * checked to be a `type` so a harness can reach its address; started on a running host.
 */
export async function startFromFactory<C, R extends Receiver>(
  factory: ReceiverFactory<C>,
  type: abstract new (...args: never[]) => R,
  config: unknown,
  ctx: ComponentContext,
  next: Consumer,
): Promise<R> {
  return startedAs(factory.create(factory.configSchema.parse(config), ctx, next), type);
}

/** The log-record counters receiver `id` keeps, as its self-telemetry shows them. */
export function logRecordCounters(telemetry: SelfTelemetry, id: string): { accepted(): number; rejected(reason: string): number; refused(reason: string): number } {
  const label = { receiver: id };
  return {
    accepted: () => telemetry.value(SelfMetric.receiverAcceptedLogRecords, label),
    rejected: (reason) => telemetry.value(SelfMetric.receiverRejectedLogRecords, { ...label, reason }),
    refused: (reason) => telemetry.value(SelfMetric.receiverRefusedLogRecords, { ...label, reason }),
  };
}
