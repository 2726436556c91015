import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BackPressureError,
  type Batch,
  type Clock,
  type ComponentContext,
  type ComponentKind,
  type Consumer,
  type Host,
  SelfTelemetry,
  silentLogger,
  systemClock,
} from '../../core/index.js';

/** A component context for tests: silent logger, fresh self-telemetry, the given clock. */
export function testContext(
  id: string,
  kind: ComponentKind,
  opts: { clock?: Clock; telemetry?: SelfTelemetry; pipelineId?: string } = {},
): ComponentContext {
  return {
    id,
    kind,
    pipelineId: opts.pipelineId,
    logger: silentLogger(),
    telemetry: opts.telemetry ?? new SelfTelemetry(),
    clock: opts.clock ?? systemClock,
    resource: resourceFromAttributes({ 'service.name': 'kongtel', 'service.instance.id': 'test-instance' }),
  };
}

export const runningHost: Host = { status: () => 'running' };

/** A consumer that keeps every batch; `refuse` makes it answer with back-pressure, `fail` with an error. */
export class CapturingConsumer implements Consumer {
  readonly batches: Batch[] = [];
  refuse = false;
  fail: Error | undefined;

  async consume(batch: Batch): Promise<void> {
    if (this.refuse) throw new BackPressureError('test consumer is full', 2);
    if (this.fail) throw this.fail;
    this.batches.push(batch);
  }
}
