import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';

/**
 * When two incoming pieces belong together in one outgoing batch. Keys are computed once per resource,
 * scope and metric of an incoming batch, never per data point, so plain JSON is cheap enough here.
 */

function attributesKey(attrs: Attributes): string {
  const keys = Object.keys(attrs).sort();
  return JSON.stringify(keys.map((k) => [k, attrs[k]]));
}

export function resourceKey(resource: Resource): string {
  return `${resource.schemaUrl ?? ''}|${attributesKey(resource.attributes)}`;
}

/** Scope attributes are not in the SDK's type but OTLP carries them; decoders may add them. */
type ScopeWithAttributes = InstrumentationScope & { readonly attributes?: Attributes };

export function scopeKey(scope: ScopeWithAttributes): string {
  return JSON.stringify([scope.name, scope.version ?? '', scope.schemaUrl ?? '', scope.attributes ? attributesKey(scope.attributes) : '']);
}

/** Same name, unit and type (with temporality, monotonicity and value type): the points can share one metric. */
export function metricKey(m: MetricData): string {
  const monotonic = m.dataPointType === DataPointType.SUM ? (m.isMonotonic ? 'm' : 'n') : '';
  return JSON.stringify([m.descriptor.name, m.descriptor.unit, m.dataPointType, m.aggregationTemporality, monotonic, m.descriptor.valueType]);
}
