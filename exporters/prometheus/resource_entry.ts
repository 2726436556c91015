import type { Attributes } from '@opentelemetry/api';
import { flat, wellFormed } from './identity.js';
import { attributeLabels, attributeText, labelText, type DroppedAttribute } from './labels.js';

/**
 * What the exporter keeps per resource. Following the spec for Collector exporters, which may carry
 * several targets in one scrape: `job` = `<service.namespace>/<service.name>` (or `service.name`) and
 * `instance` = `service.instance.id` go on every series, so series of different resources stay apart
 * and can be joined with `target_info`, which carries the other resource attributes.
 */
export interface ResourceEntry {
  readonly key: string;
  readonly attributes: Attributes;
  /** '' when the resource has no service.name (then no `job` label is written). */
  readonly job: string;
  readonly instance: string;
  /** Label text of this resource's `target_info` sample; undefined for an empty resource. */
  readonly targetInfo: string | undefined;
  /** The spec allows one target_info per job + instance: resources sharing both show the first one's. */
  readonly targetKey: string;
  /** Live streams of this resource: target_info is shown while there is one. */
  streams: number;
  /** When the store last put it in its map (see Family.seq): a scrape shows it only if it was there first. */
  seq: number;
}

const IDENTIFYING = new Set(['service.name', 'service.namespace', 'service.instance.id']);

export function resourceEntry(key: string, attributes: Attributes, dropped?: DroppedAttribute): ResourceEntry {
  const name = text(attributes['service.name']);
  const namespace = text(attributes['service.namespace']);
  const job = name === '' ? '' : namespace === '' ? name : `${namespace}/${name}`;
  const instance = text(attributes['service.instance.id']);

  let targetInfo: string | undefined;
  if (Object.keys(attributes).length > 0) {
    const rest: Attributes = {};
    for (const k of Object.keys(attributes)) if (!IDENTIFYING.has(k)) rest[k] = attributes[k];
    const labels = attributeLabels(rest, undefined, dropped);
    if (job !== '') labels.set('job', job);
    if (instance !== '') labels.set('instance', instance);
    targetInfo = flat(wellFormed(labelText(labels)));
  }
  const targetKey = job === '' && instance === '' ? `\u0001${targetInfo ?? ''}` : `${job}\u0000${instance}`;
  return { key, attributes, job, instance, targetInfo, targetKey, streams: 0, seq: 0 };
}

function text(v: Attributes[string]): string {
  return v === undefined || v === null ? '' : attributeText(v);
}
