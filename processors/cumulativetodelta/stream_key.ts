import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { MetricData } from '@opentelemetry/sdk-metrics';

/**
 * What makes one stream: resource attributes, scope (name, version, schema URL, attributes), metric name,
 * unit, type + monotonicity, value type, and the point's attributes. Start time is deliberately left out: a
 * changed start time is a reset of the same stream, not a new one.
 *
 * This file builds the per-metric part as a string, once per metric of a batch; the point attributes are
 * matched per point by `attribute_hash.ts`. Every part is length-prefixed so no key or value can imitate
 * a separator and make two metrics collide.
 */

function part(s: string): string {
  return `${s.length}:${s}`;
}

function valuePart(v: AttributeValue | undefined): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      return `n${v};`;
    case 'boolean':
      return v ? 'T' : 'F';
    case 'undefined':
      return 'u';
    default: {
      // Arrays are rare in metric attributes; JSON keeps their element types apart.
      const json = JSON.stringify(v);
      return `a${json.length}:${json}`;
    }
  }
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1] > keys[i]) return false;
  return true;
}

/** Order-independent key of an attribute set (resource and scope attributes). */
export function attributesKey(attrs: Attributes): string {
  const keys = Object.keys(attrs);
  if (keys.length === 0) return '';
  if (keys.length > 1 && !isSorted(keys)) keys.sort();
  let s = '';
  for (const k of keys) s += part(k) + valuePart(attrs[k]);
  return s;
}

export function resourceKey(resource: Resource): string {
  return `R${attributesKey(resource.attributes)}`;
}

/** Scope attributes are not in the SDK's type but OTLP carries them; decoders may add them. */
interface ScopeWithAttributes extends InstrumentationScope {
  readonly attributes?: Attributes;
}

export function scopeKey(scope: ScopeWithAttributes): string {
  return `S${part(scope.name)}${part(scope.version ?? '')}${part(scope.schemaUrl ?? '')}${
    scope.attributes ? attributesKey(scope.attributes) : ''
  }`;
}

/** The metric's share of the key; `typeTag` names the converter (type + monotonicity). */
export function metricKey(metric: MetricData, typeTag: string): string {
  const d = metric.descriptor;
  return `M${typeTag}${d.valueType}${part(d.name)}${part(d.unit)}`;
}
