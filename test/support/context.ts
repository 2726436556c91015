import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  type Clock,
  type ComponentContext,
  type ComponentKind,
  type Host,
  SelfTelemetry,
  silentLogger,
  noStorage,
  systemClock,
} from '../../core/index.js';

/**
 * A component context for tests: silent logger, fresh self-telemetry, the given clock; `storage` maps
 * storage extension ids to their directories (`{ file_storage: dir }`).
 */
export function testContext(
  id: string,
  kind: ComponentKind,
  opts: { clock?: Clock; telemetry?: SelfTelemetry; pipelineId?: string; storage?: Readonly<Record<string, string>> } = {},
): ComponentContext {
  const storage = opts.storage;
  return {
    id,
    kind,
    pipelineId: opts.pipelineId,
    logger: silentLogger(),
    telemetry: opts.telemetry ?? new SelfTelemetry(),
    clock: opts.clock ?? systemClock,
    resource: resourceFromAttributes({ 'service.name': 'kongtel', 'service.instance.id': 'test-instance' }),
    storage: (ext) => storage?.[ext] ?? noStorage(ext),
  };
}

export const runningHost: Host = { status: () => 'running' };

/** `component` (as a factory built it) checked to be a `type`, so a test can reach its address; started on `host`. */
export async function startedAs<T extends { start(host: Host): Promise<void> }>(component: unknown, type: abstract new (...args: never[]) => T, host: Host = runningHost): Promise<T> {
  if (!(component instanceof type)) throw new Error(`factory did not create a ${type.name}`);
  await component.start(host);
  return component;
}
