import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  type Clock,
  type ComponentContext,
  type ComponentKind,
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
