import { Writable } from 'node:stream';
import { resourceFromAttributes } from '@opentelemetry/resources';
import pino from 'pino';
import {
  BackPressureError,
  type Batch,
  type Clock,
  type ComponentContext,
  type ComponentKind,
  type Consumer,
  type Host,
  type Logger,
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

/** A debug-level logger that keeps every line it writes, parsed, for tests that check what was logged. */
export function capturingLogger(): { logger: Logger; logs: Record<string, unknown>[] } {
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), logs };
}
