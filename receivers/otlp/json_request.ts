import { readAttributes } from './json_attributes.js';
import { JsonFields, JsonShapeError, isObject, type JsonObject } from './json_fields.js';
import { exponentialPoint, histogramPoint, numberPoint, readPoints, readTemporality } from './json_points.js';
import type { WireMetric, WireRequest, WireResourceMetrics, WireScopeMetrics } from './wire.js';

/**
 * OTLP/JSON → the wire shape protobuf decoding gives, by the OTLP/JSON rules: keys in lowerCamelCase
 * (the proto's snake_case names are accepted too, as protobuf's JSON parsers do), 64-bit integers as
 * decimal strings or numbers, enums as integers (or their names), `NaN`/`Infinity` as strings, `bytes` in
 * base64, `null` = absent, unknown keys ignored. This file walks the messages down to the metrics;
 * json_points.ts reads points, json_attributes.ts attributes, json_fields.ts the fields themselves.
 * A value of the wrong type throws a `JsonShapeError` naming where it is, so the sender learns what to fix.
 */

/** Decodes a parsed OTLP/JSON body; throws `JsonShapeError` when it is not an ExportMetricsServiceRequest. */
export function decodeJsonRequest(json: unknown): WireRequest {
  if (!isObject(json)) throw new JsonShapeError('the body must be a JSON object (an ExportMetricsServiceRequest)');
  const f = new JsonFields();
  return { resource_metrics: f.list(json, 'resourceMetrics', 'resource_metrics', (v) => resourceMetrics(f, v)) };
}

function resourceMetrics(f: JsonFields, o: JsonObject): WireResourceMetrics {
  const resource = f.object(o, 'resource', 'resource');
  return {
    resource: resource === undefined ? undefined : f.within('resource', () => ({ attributes: readAttributes(f, resource) })),
    scope_metrics: f.list(o, 'scopeMetrics', 'scope_metrics', (v) => scopeMetrics(f, v)),
    schema_url: f.string(o, 'schemaUrl', 'schema_url'),
  };
}

function scopeMetrics(f: JsonFields, o: JsonObject): WireScopeMetrics {
  const scope = f.object(o, 'scope', 'scope');
  return {
    scope:
      scope === undefined
        ? undefined
        : f.within('scope', () => ({
            name: f.string(scope, 'name', 'name'),
            version: f.string(scope, 'version', 'version'),
            attributes: readAttributes(f, scope),
          })),
    metrics: f.list(o, 'metrics', 'metrics', (v) => metric(f, v)),
    schema_url: f.string(o, 'schemaUrl', 'schema_url'),
  };
}

function metric(f: JsonFields, o: JsonObject): WireMetric {
  const out: WireMetric = {
    name: f.string(o, 'name', 'name'),
    description: f.string(o, 'description', 'description'),
    unit: f.string(o, 'unit', 'unit'),
  };
  const gauge = f.object(o, 'gauge', 'gauge');
  if (gauge !== undefined) {
    out.gauge = f.within('gauge', () => ({ data_points: readPoints(f, gauge, numberPoint) }));
    return out;
  }
  const sum = f.object(o, 'sum', 'sum');
  if (sum !== undefined) {
    out.sum = f.within('sum', () => ({
      data_points: readPoints(f, sum, numberPoint),
      aggregation_temporality: readTemporality(f, sum),
      is_monotonic: f.bool(sum, 'isMonotonic', 'is_monotonic'),
    }));
    return out;
  }
  const histogram = f.object(o, 'histogram', 'histogram');
  if (histogram !== undefined) {
    out.histogram = f.within('histogram', () => ({
      data_points: readPoints(f, histogram, histogramPoint),
      aggregation_temporality: readTemporality(f, histogram),
    }));
    return out;
  }
  const exponential = f.object(o, 'exponentialHistogram', 'exponential_histogram');
  if (exponential !== undefined) {
    out.exponential_histogram = f.within('exponentialHistogram', () => ({
      data_points: readPoints(f, exponential, exponentialPoint),
      aggregation_temporality: readTemporality(f, exponential),
    }));
    return out;
  }
  const summary = f.object(o, 'summary', 'summary');
  if (summary !== undefined) {
    // Summaries are refused point by point; only their number matters.
    out.summary = f.within('summary', () => ({ data_points: f.list(summary, 'dataPoints', 'data_points', (p) => p) }));
  }
  return out;
}
