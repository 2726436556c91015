import type { Attributes } from '@opentelemetry/api';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { parseEndpoint } from '../../core/index.js';
import type { ScrapeTarget } from './target.js';

/** Most distinct `job`/`instance` pairs kept per target when `honor_labels` lets the page name them. */
const MAX_HONORED_RESOURCES = 1000;

/**
 * The resource of a scraped series, as the Collector's prometheus receiver builds it: `service.name` =
 * job, `service.instance.id` = instance, `server.address` / `server.port` from the instance, and
 * `url.scheme`. One per target; with `honor_labels`, one per job/instance pair the page itself names
 * (federation), made once and reused so every scrape hands over the same resource objects.
 */
export class TargetResources {
  readonly main: Resource;
  private readonly honored = new Map<string, Resource>();

  constructor(private readonly target: ScrapeTarget) {
    this.main = this.build(target.job, target.instance);
  }

  for(job: string | undefined, instance: string | undefined): Resource {
    if (job === undefined && instance === undefined) return this.main;
    const j = job ?? this.target.job;
    const i = instance ?? this.target.instance;
    const key = `${j}\u0000${i}`;
    let r = this.honored.get(key);
    if (r === undefined) {
      r = this.build(j, i);
      if (this.honored.size >= MAX_HONORED_RESOURCES) this.honored.clear();
      this.honored.set(key, r);
    }
    return r;
  }

  private build(job: string, instance: string): Resource {
    const attributes: Attributes = { 'service.name': job, 'service.instance.id': instance };
    const hp = parseEndpoint(instance);
    if (hp !== undefined) {
      attributes['server.address'] = hp.host;
      attributes['server.port'] = hp.port;
    }
    attributes['url.scheme'] = this.target.scheme;
    return resourceFromAttributes(attributes);
  }
}
