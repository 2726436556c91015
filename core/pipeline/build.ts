import type { ComponentContext, ComponentKind, Consumer, Exporter, Extension, Processor, Receiver } from '../component.js';
import type { CollectorConfig } from '../config/load.js';
import type { TapOrigin } from '../tap/index.js';
import { fanout } from './fanout.js';

/** A component instance and the id it was written under. */
export interface Named<T> {
  readonly id: string;
  readonly component: T;
}

export interface BuiltPipeline {
  readonly id: string;
  /** In pipeline order; each pipeline has instances of its own. */
  readonly processors: readonly Named<Processor>[];
  /** Shared with every other pipeline that names them. */
  readonly exporters: readonly Exporter[];
}

/** Every instance the config asks for, wired. */
export interface Graph {
  readonly extensions: readonly Named<Extension>[];
  readonly exporters: ReadonlyMap<string, Exporter>;
  readonly pipelines: readonly BuiltPipeline[];
  readonly receivers: ReadonlyMap<string, Receiver>;
}

/**
 * The context of one component. `extensions` holds the extensions built so far (all of them by the time
 * any other component is built), so a component can find the storage extension its config names while
 * it is being constructed.
 */
export type ContextFor = (id: string, kind: ComponentKind, pipelineId: string | undefined, extensions: ReadonlyMap<string, Extension>) => ComponentContext;

/**
 * Builds the pipeline graph from a checked config (graph.ts) as the Collector builds it: one instance
 * per exporter id (shared by pipelines), processors per pipeline, built back to front so each gets its
 * next consumer, and one instance per receiver id fanning out to every pipeline that names it. Every
 * edge goes through `fanout`, which copies batches for consumers that declare `mutatesData`.
 */
/** What a component hands its output to, given the plain edge: the tap's hook (core/tap); identity by default. */
export type EdgeOut = (next: Consumer, origin: TapOrigin) => Consumer;

export function buildGraph(config: CollectorConfig, contextFor: ContextFor, edgeOut: EdgeOut = (next) => next): Graph {
  const { components, service, pipelines } = config;
  const extensions: Named<Extension>[] = [];
  const byId = new Map<string, Extension>();
  for (const id of service.extensions) {
    const c = components.extensions.get(id);
    if (c?.factory.kind !== 'extension') continue;
    const component = c.factory.create(c.config, contextFor(id, 'extension', undefined, byId));
    extensions.push({ id, component });
    byId.set(id, component);
  }
  const exporters = new Map<string, Exporter>();
  const built: BuiltPipeline[] = [];
  const entries = new Map<string, Consumer[]>();
  for (const p of pipelines) {
    const own = p.exporters.map((id) => {
      let e = exporters.get(id);
      if (!e) {
        const c = components.exporters.get(id);
        if (c?.factory.kind !== 'exporter') throw new Error(`exporter ${id} has no factory`);
        e = c.factory.create(c.config, contextFor(id, 'exporter', undefined, byId));
        exporters.set(id, e);
      }
      return e;
    });
    let next: Consumer = fanout(own);
    const processors: Named<Processor>[] = [];
    for (let i = p.processors.length - 1; i >= 0; i--) {
      const id = p.processors[i];
      const c = components.processors.get(id);
      if (c?.factory.kind !== 'processor') throw new Error(`processor ${id} has no factory`);
      const processor = c.factory.create(c.config, contextFor(id, 'processor', p.id, byId), edgeOut(next, { id, kind: 'processor', pipeline: p.id }));
      processors.unshift({ id, component: processor });
      next = fanout([processor]);
    }
    built.push({ id: p.id, processors, exporters: own });
    for (const id of p.receivers) {
      const list = entries.get(id) ?? [];
      list.push(next);
      entries.set(id, list);
    }
  }
  const receivers = new Map<string, Receiver>();
  for (const [id, consumers] of entries) {
    const c = components.receivers.get(id);
    if (c?.factory.kind !== 'receiver') throw new Error(`receiver ${id} has no factory`);
    receivers.set(id, c.factory.create(c.config, contextFor(id, 'receiver', undefined, byId), edgeOut(fanout(consumers), { id, kind: 'receiver' })));
  }
  return { extensions, exporters, pipelines: built, receivers };
}
