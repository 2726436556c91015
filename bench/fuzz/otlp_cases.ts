import { gzipSync } from 'node:zlib';
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type DataPoint, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { applyByteMutation, byteMutationArb, type ByteMutation } from './byte_mutation.js';
import { applyEdit, editArb, type Edit } from './entry_mutation.js';
import type { HostileLimits } from './hostile_values.js';
import { nodeText, toNode } from './json_node.js';

/**
 * OTLP/HTTP export requests: valid ones built as the SDK's `ResourceMetrics` and encoded by the SDK's own
 * serializers (what any OTel SDK or Collector sends), some with histogram points that break OTLP's rules
 * (the receiver must drop exactly those, with `partial_success`, and keep the rest); then, for most,
 * damaged: bits flipped, bytes cut or spliced in (protobuf), or fields of any depth replaced (JSON).
 */

type BadHistogram = 'bucket_length' | 'bounds_order' | 'count';

interface PointSpec {
  readonly route: string;
  readonly value: number;
  readonly bad: BadHistogram | undefined;
}

interface MetricSpec {
  readonly name: string;
  readonly kind: 'sum_int' | 'sum_double' | 'gauge' | 'histogram';
  readonly delta: boolean;
  readonly points: readonly PointSpec[];
}

export interface OtlpCase {
  readonly encoding: 'protobuf' | 'json';
  readonly contentType: string;
  readonly gzip: boolean;
  readonly wire: Buffer;
  /** Nothing was damaged: the answer must be 200 with exactly `rejected` points refused. */
  readonly intact: boolean;
  readonly statuses: readonly number[];
  readonly accepted: number;
  readonly rejected: number;
}

const START: [number, number] = [1_700_000_000, 0];
const END: [number, number] = [1_700_000_010, 500];

function histogram(value: number, bad: BadHistogram | undefined): Histogram {
  const counts = [1, Math.abs(Math.trunc(value)) % 5, 2];
  const count = counts.reduce((a, b) => a + b, 0);
  const ok: Histogram = { buckets: { boundaries: [0.5, 1], counts }, count, sum: value, min: 0, max: value };
  if (bad === 'bucket_length') return { ...ok, buckets: { boundaries: [0.5, 1], counts: counts.slice(1) }, count: count - counts[0] };
  if (bad === 'bounds_order') return { ...ok, buckets: { boundaries: [1, 0.5], counts } };
  if (bad === 'count') return { ...ok, count: count + 1 };
  return ok;
}

function metricData(m: MetricSpec): MetricData {
  const temporality = m.delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
  const base = (p: PointSpec) => ({ startTime: START, endTime: END, attributes: { 'kong.route.name': p.route } });
  if (m.kind === 'histogram') {
    return {
      descriptor: { name: m.name, description: '', unit: 's', valueType: ValueType.DOUBLE },
      aggregationTemporality: temporality,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: m.points.map((p): DataPoint<Histogram> => ({ ...base(p), value: histogram(p.value, p.bad) })),
    };
  }
  const valueType = m.kind === 'sum_int' ? ValueType.INT : ValueType.DOUBLE;
  const points = m.points.map((p): DataPoint<number> => ({ ...base(p), value: m.kind === 'sum_int' ? Math.trunc(p.value) : p.value }));
  if (m.kind === 'gauge') {
    return {
      descriptor: { name: m.name, description: '', unit: '1', valueType },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.GAUGE,
      dataPoints: points,
    };
  }
  return {
    descriptor: { name: m.name, description: 'fuzz', unit: '{request}', valueType },
    aggregationTemporality: temporality,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: points,
  };
}

const pointArb = fc.record({
  route: fc.string({ unit: 'binary', maxLength: 16 }),
  value: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.double({ noNaN: true, min: -1e12, max: 1e12 })),
  bad: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 8 },
    { arbitrary: fc.constantFrom<BadHistogram>('bucket_length', 'bounds_order', 'count'), weight: 1 },
  ),
});

const metricArb: fc.Arbitrary<MetricSpec> = fc.record({
  name: fc.string({ unit: 'binary', minLength: 1, maxLength: 24 }),
  kind: fc.constantFrom('sum_int' as const, 'sum_double' as const, 'gauge' as const, 'histogram' as const),
  delta: fc.boolean(),
  points: fc.array(pointArb, { minLength: 1, maxLength: 5 }),
});

const resourceArb = fc.record({
  service: fc.string({ maxLength: 12 }),
  scopes: fc.array(fc.record({ name: fc.string({ maxLength: 12 }), metrics: fc.array(metricArb, { minLength: 1, maxLength: 4 }) }), {
    minLength: 1,
    maxLength: 2,
  }),
});

type ResourceSpec = typeof resourceArb extends fc.Arbitrary<infer R> ? R : never;

function toResourceMetrics(r: ResourceSpec): ResourceMetrics {
  return {
    resource: resourceFromAttributes({ 'service.name': r.service }),
    scopeMetrics: r.scopes.map((s) => ({ scope: { name: s.name }, metrics: s.metrics.map(metricData) })),
  };
}

function pointCounts(resources: readonly ResourceSpec[]): { accepted: number; rejected: number } {
  let accepted = 0;
  let rejected = 0;
  for (const r of resources) {
    for (const s of r.scopes) {
      for (const m of s.metrics) {
        for (const p of m.points) {
          if (m.kind === 'histogram' && p.bad !== undefined) rejected++;
          else accepted++;
        }
      }
    }
  }
  return { accepted, rejected };
}

function encode(resources: readonly ResourceSpec[], encoding: 'protobuf' | 'json'): Buffer {
  const rms = resources.map(toResourceMetrics);
  if (encoding === 'protobuf') {
    // ExportMetricsServiceRequest is one repeated field: requests concatenate into one.
    return Buffer.concat(rms.map((rm) => ProtobufMetricsSerializer.serializeRequest(rm) ?? new Uint8Array(0)));
  }
  const merged: unknown[] = [];
  for (const rm of rms) {
    const one = JSON.parse(Buffer.from(JsonMetricsSerializer.serializeRequest(rm) ?? new Uint8Array(0)).toString('utf8')) as {
      resourceMetrics: unknown[];
    };
    merged.push(...one.resourceMetrics);
  }
  return Buffer.from(JSON.stringify({ resourceMetrics: merged }), 'utf8');
}

function damageJson(body: Buffer, edits: readonly Edit[]): Buffer {
  if (edits.length === 0) return body;
  const tree = edits.reduce(applyEdit, toNode(JSON.parse(body.toString('utf8'))));
  return Buffer.from(nodeText(tree), 'utf8');
}

const CONTENT_TYPES = {
  protobuf: ['application/x-protobuf', 'application/protobuf', 'application/x-protobuf; charset=binary'],
  json: ['application/json', 'application/json; charset=utf-8'],
} as const;

export function otlpCaseArb(limits: HostileLimits, maxBodySize: number): fc.Arbitrary<OtlpCase> {
  return fc
    .record({
      resources: fc.array(resourceArb, { minLength: 1, maxLength: 2 }),
      encoding: fc.constantFrom('protobuf' as const, 'json' as const),
      typeIndex: fc.nat(),
      wrongType: fc.oneof({ arbitrary: fc.constant(false), weight: 40 }, { arbitrary: fc.constant(true), weight: 1 }),
      gzip: fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 }),
      damaged: fc.oneof({ arbitrary: fc.constant(false), weight: 1 }, { arbitrary: fc.constant(true), weight: 2 }),
      edits: fc.array(editArb(limits), { minLength: 1, maxLength: 3 }),
      mutation: byteMutationArb(),
    })
    .map(({ resources, encoding, typeIndex, wrongType, gzip, damaged, edits, mutation }) => {
      const types = CONTENT_TYPES[encoding];
      const contentType = wrongType ? 'text/plain' : types[typeIndex % types.length];
      let body = encode(resources, encoding);
      const byteDamage: ByteMutation = damaged ? mutation : { kind: 'none' };
      const treeDamage = damaged && encoding === 'json' ? edits : [];
      body = applyByteMutation(damageJson(body, treeDamage), byteDamage);
      const intact = byteDamage.kind === 'none' && treeDamage.length === 0;
      const wire = gzip ? gzipSync(body) : body;
      const { accepted, rejected } = pointCounts(resources);
      const statuses = wrongType ? [415] : wire.length > maxBodySize || body.length > maxBodySize ? [413] : intact ? [200] : [200, 400];
      return { encoding, contentType, gzip, wire, intact, statuses, accepted, rejected };
    });
}
