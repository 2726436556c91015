import type { Attributes } from '@opentelemetry/api';
import { isObject, type KongLogEntry } from '../../../core/index.js';
import type { AttributeSet } from '../attribute_set.js';
import type { AttributeTrie, SetNode } from '../attribute_trie.js';
import { object, reduced, scalar, storedScalar } from '../entry_shape.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration } from '../section.js';
import { put, text } from '../values.js';

/**
 * The attributes every entry gives — service, route, workspace, consumer — and the two sets they make:
 * service × route × workspace (the route set, parent of the HTTP, MCP and A2A sets) and the route set ×
 * consumer (sizes, and parent of the request-count set).
 */

const ATTRIBUTES = {
  serviceName: 'kong.service.name',
  routeName: 'kong.route.name',
  workspaceName: 'kong.workspace.name',
  consumerName: 'kong.auth.consumer.name',
} as const;

export const COMMON: SectionDeclaration = {
  attributes: ATTRIBUTES,
  instruments: {},
  fields: object({
    service: object({ name: scalar }),
    route: object({ name: scalar }),
    workspace_name: scalar,
    // The id is read only when the entry has no name: not stored beside one.
    workspace: reduced('workspace-fallback', (v, entry) => (text(entry.workspace_name) === undefined ? storedScalar(v) : null)),
    consumer: object({ username: scalar, custom_id: scalar, id: scalar }),
  }),
};

/** The common attributes of the current entry (undefined: not logged, or excluded). */
export class CommonFields {
  service: string | undefined = undefined;
  route: string | undefined = undefined;
  workspace: string | undefined = undefined;
  consumer: string | undefined = undefined;
}

/** service, route, workspace. */
export function routeAttributes(f: CommonFields): Attributes {
  const a: Attributes = {};
  put(a, ATTRIBUTES.serviceName, f.service);
  put(a, ATTRIBUTES.routeName, f.route);
  put(a, ATTRIBUTES.workspaceName, f.workspace);
  return a;
}

/** service, route, workspace, consumer. */
export function consumerAttributes(f: CommonFields): Attributes {
  const a = routeAttributes(f);
  put(a, ATTRIBUTES.consumerName, f.consumer);
  return a;
}

/** `consumer.username`, else `custom_id`, else `id`; undefined when the request was anonymous. */
export function consumerName(consumer: unknown): string | undefined {
  if (!isObject(consumer)) return undefined;
  return text(consumer.username) ?? text(consumer.custom_id) ?? text(consumer.id);
}

export class Common {
  readonly f = new CommonFields();
  readonly routeSet: AttributeSet;
  readonly consumerSet: AttributeSet;
  private readonly routes: AttributeTrie;
  private readonly keep: Readonly<Record<keyof typeof ATTRIBUTES, boolean>>;

  constructor(
    private readonly rec: Recorder,
    excluded: ReadonlySet<string>,
  ) {
    this.keep = kept(ATTRIBUTES, excluded);
    this.routeSet = rec.set();
    this.consumerSet = rec.set();
    this.routes = rec.root(this.routeSet);
  }

  /** Reads the common attributes of `e`; its route set. */
  read(e: KongLogEntry): SetNode {
    const f = this.f;
    const keep = this.keep;
    const service = e.service;
    const route = e.route;
    f.service = keep.serviceName && isObject(service) ? text(service.name) : undefined;
    f.route = keep.routeName && isObject(route) ? text(route.name) : undefined;
    f.workspace = keep.workspaceName ? (text(e.workspace_name) ?? text(e.workspace)) : undefined;
    f.consumer = keep.consumerName ? consumerName(e.consumer) : undefined;
    return this.routes.find3(f.service, f.route, f.workspace);
  }

  /** The consumer set below route set `r`. */
  consumer(r: SetNode): SetNode {
    return this.rec.below(r, this.consumerSet).find1(this.f.consumer);
  }
}
