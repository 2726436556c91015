import { ValueType } from '@opentelemetry/api';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { RequestType, decodeProtobufResponse, encodeRequest } from '../../support/otlp/proto_decode.js';
import { send, startReceiver, type Harness } from './client.js';

/**
 * Requests built by hand with protobufjs from the OTLP schema, for what the SDK never sends: timestamps
 * past 2^53 ns, "no recorded value" flags, int and double points in one metric, exponential histograms,
 * summaries, invalid histograms, and attribute values beyond strings (kvlist, mixed arrays, bytes).
 * The same request sent as OTLP/JSON must give the same batch.
 */

// 2027-01-15T08:00:00.123456789Z and a start one nanosecond after 2023-11-14T22:13:20Z: both far above
// 2^53 (9.007e15), so any detour through a JS number would lose the last digits.
const START = '1700000000000000001';
const END = '1800000000123456789';

const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

const REQUEST = {
  resourceMetrics: [
    {
      resource: {
        attributes: [kv('service.name', { stringValue: 'kong' }), kv('host.cpus', { intValue: '8' })],
      },
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
      scopeMetrics: [
        {
          scope: { name: 'kong-otel', version: '3.14.0', attributes: [kv('plugin', { stringValue: 'opentelemetry' })] },
          schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
          metrics: [
            {
              name: 'kong.requests',
              unit: '{request}',
              description: 'Proxied requests',
              sum: {
                aggregationTemporality: 2,
                isMonotonic: true,
                dataPoints: [{ startTimeUnixNano: START, timeUnixNano: END, asInt: '42' }],
              },
            },
            { name: 'int.gauge', gauge: { dataPoints: [{ timeUnixNano: END, asInt: '-7' }] } },
            { name: 'double.gauge', gauge: { dataPoints: [{ timeUnixNano: END, asDouble: 2 }] } },
            {
              name: 'mixed.gauge',
              gauge: { dataPoints: [{ timeUnixNano: END, asInt: '1' }, { timeUnixNano: END, asDouble: 1.5 }] },
            },
            {
              name: 'kong.stale',
              sum: {
                aggregationTemporality: 1,
                isMonotonic: false,
                dataPoints: [
                  { startTimeUnixNano: START, timeUnixNano: END, asDouble: 3, attributes: [kv('route', { stringValue: 'a' })] },
                  { startTimeUnixNano: START, timeUnixNano: END, flags: 1, attributes: [kv('route', { stringValue: 'b' })] },
                ],
              },
            },
            {
              name: 'kong.latency.exp',
              unit: 'ms',
              exponentialHistogram: {
                aggregationTemporality: 1,
                dataPoints: [
                  {
                    startTimeUnixNano: START,
                    timeUnixNano: END,
                    count: '7',
                    sum: 30,
                    scale: 3,
                    zeroCount: '1',
                    positive: { offset: -2, bucketCounts: ['1', '2', '3'] },
                    negative: { offset: 1, bucketCounts: ['0', '0'] },
                    min: 0,
                    max: 12,
                    zeroThreshold: 0.001,
                  },
                ],
              },
            },
            {
              name: 'count.only',
              histogram: { aggregationTemporality: 2, dataPoints: [{ startTimeUnixNano: START, timeUnixNano: END, count: '4', sum: 10 }] },
            },
            {
              name: 'rpc.latency',
              summary: {
                dataPoints: [
                  { timeUnixNano: END, count: '2', sum: 3, quantileValues: [{ quantile: 0.5, value: 1 }] },
                  { timeUnixNano: END, count: '5', sum: 9 },
                ],
              },
            },
            {
              name: 'kong.latency',
              unit: 's',
              histogram: {
                aggregationTemporality: 2,
                dataPoints: [
                  // three counts for one bound: one too many → dropped
                  { startTimeUnixNano: START, timeUnixNano: END, count: '3', bucketCounts: ['1', '1', '1'], explicitBounds: [1] },
                  {
                    startTimeUnixNano: START,
                    timeUnixNano: END,
                    count: '3',
                    sum: 2.5,
                    bucketCounts: ['1', '2'],
                    explicitBounds: [1],
                    min: 0.5,
                    max: 1.5,
                    attributes: [
                      kv('kv', { kvlistValue: { values: [kv('a', { intValue: '1' }), kv('b', { arrayValue: { values: [{ boolValue: true }, { stringValue: 'x' }] } })] } }),
                      kv('mixed', { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }, { doubleValue: 3.5 }] } }),
                      kv('bytes', { bytesValue: Buffer.from([1, 2, 3]) }),
                      kv('empty', {}),
                      kv('negative', { intValue: '-9007199254740991' }),
                    ],
                  },
                ],
              },
            },
          ],
        },
      ],
    },
  ],
};

/** The same request in OTLP/JSON: camelCase keys, int64 as strings, bytes as base64, enums as integers. */
function asOtlpJson(): string {
  const message = RequestType.fromObject(REQUEST);
  return JSON.stringify(RequestType.toObject(message, { longs: String, enums: Number, bytes: String, json: true }));
}

/** A batch without the SDK's Resource class, comparable with toEqual. */
function plain(rm: ResourceMetrics) {
  return { resource: rm.resource.attributes, schemaUrl: rm.resource.schemaUrl, scopeMetrics: rm.scopeMetrics };
}

function metric(rm: ResourceMetrics, name: string): MetricData | undefined {
  return rm.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
}

describe('handcrafted OTLP requests', () => {
  let h: Harness;
  let fromProto: ResourceMetrics;
  let reply: Awaited<ReturnType<typeof send>>;

  beforeAll(async () => {
    h = await startReceiver();
    reply = await send(h.port, { body: encodeRequest(REQUEST) });
    fromProto = h.received()[0];
  });
  afterAll(() => h.receiver.shutdown());

  it('answers 200 with a partial_success naming the dropped summary and histogram points', () => {
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    const partial = decodeProtobufResponse(reply.body);
    expect(partial.rejectedDataPoints).toBe(3);
    expect(partial.errorMessage).toContain('summary metrics are not supported: 2 data points dropped (metric "rpc.latency")');
    expect(partial.errorMessage).toContain(
      'histogram bucket_counts must have one entry more than explicit_bounds: 1 data point dropped (metric "kong.latency")',
    );
  });

  it('counts 10 accepted, 2 summary and 1 invalid point', () => {
    const t = h.telemetry;
    expect(t.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'otlp' })).toBe(10);
    expect(t.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'otlp', reason: 'summary' })).toBe(2);
    expect(t.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'otlp', reason: 'invalid' })).toBe(1);
  });

  it('keeps resource, resource schema URL and scope with its attributes', () => {
    expect(fromProto.resource.attributes).toEqual({ 'service.name': 'kong', 'host.cpus': 8 });
    expect(fromProto.resource.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(fromProto.scopeMetrics[0].scope).toEqual({
      name: 'kong-otel',
      version: '3.14.0',
      schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
      attributes: { plugin: 'opentelemetry' },
    });
    // the summary is gone, everything else stays in order
    expect(fromProto.scopeMetrics[0].metrics.map((m) => m.descriptor.name)).toEqual([
      'kong.requests',
      'int.gauge',
      'double.gauge',
      'mixed.gauge',
      'kong.stale',
      'kong.latency.exp',
      'count.only',
      'kong.latency',
    ]);
  });

  it('splits nanosecond timestamps above 2^53 exactly', () => {
    const p = metric(fromProto, 'kong.requests')?.dataPoints[0];
    expect(p?.startTime).toEqual([1_700_000_000, 1]);
    expect(p?.endTime).toEqual([1_800_000_000, 123_456_789]);
    // an absent start time is OTLP's "unknown", 0
    expect(metric(fromProto, 'int.gauge')?.dataPoints[0].startTime).toEqual([0, 0]);
  });

  it.each([
    { name: 'kong.requests', valueType: ValueType.INT, values: [42] },
    { name: 'int.gauge', valueType: ValueType.INT, values: [-7] },
    { name: 'double.gauge', valueType: ValueType.DOUBLE, values: [2] },
    { name: 'mixed.gauge', valueType: ValueType.DOUBLE, values: [1, 1.5] },
  ])('$name: value type from as_int / as_double', ({ name, valueType, values }) => {
    const m = metric(fromProto, name);
    expect(m?.descriptor.valueType).toBe(valueType);
    expect(m?.dataPoints.map((p) => p.value)).toEqual(values);
  });

  it('keeps the sum descriptor, temporality and monotonic flag', () => {
    expect(metric(fromProto, 'kong.requests')).toMatchObject({
      descriptor: { name: 'kong.requests', description: 'Proxied requests', unit: '{request}' },
      dataPointType: DataPointType.SUM,
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      isMonotonic: true,
    });
    expect(metric(fromProto, 'kong.stale')).toMatchObject({ aggregationTemporality: AggregationTemporality.DELTA, isMonotonic: false });
  });

  it('carries the "no recorded value" flag on the point that has it, and only there', () => {
    const [live, stale] = metric(fromProto, 'kong.stale')?.dataPoints ?? [];
    expect(live).toEqual({ startTime: [1_700_000_000, 1], endTime: [1_800_000_000, 123_456_789], attributes: { route: 'a' }, value: 3 });
    expect(stale).toEqual({
      startTime: [1_700_000_000, 1],
      endTime: [1_800_000_000, 123_456_789],
      attributes: { route: 'b' },
      value: 0,
      flags: 1,
    });
  });

  it('decodes an exponential histogram', () => {
    const m = metric(fromProto, 'kong.latency.exp');
    expect(m?.dataPointType).toBe(DataPointType.EXPONENTIAL_HISTOGRAM);
    expect(m?.aggregationTemporality).toBe(AggregationTemporality.DELTA);
    expect(m?.dataPoints[0].value).toEqual({
      count: 7,
      sum: 30,
      scale: 3,
      zeroCount: 1,
      positive: { offset: -2, bucketCounts: [1, 2, 3] },
      negative: { offset: 1, bucketCounts: [0, 0] },
      min: 0,
      max: 12,
    });
  });

  it('turns a histogram with only count and sum into one bucket holding every value', () => {
    expect(metric(fromProto, 'count.only')?.dataPoints[0].value).toEqual({ buckets: { boundaries: [], counts: [4] }, count: 4, sum: 10 });
  });

  it('keeps the valid histogram point with its bounds, counts, min and max', () => {
    const points = metric(fromProto, 'kong.latency')?.dataPoints ?? [];
    expect(points).toHaveLength(1);
    expect(points[0].value).toEqual({ buckets: { boundaries: [1], counts: [1, 2] }, count: 3, sum: 2.5, min: 0.5, max: 1.5 });
  });

  it('decodes kvlist, mixed array and bytes attributes, and leaves out empty values', () => {
    const attributes: Record<string, unknown> = metric(fromProto, 'kong.latency')?.dataPoints[0].attributes ?? {};
    expect(attributes).toEqual({
      kv: { a: 1, b: [true, 'x'] },
      mixed: [1, 'two', 3.5],
      bytes: new Uint8Array([1, 2, 3]),
      negative: -9007199254740991,
    });
    expect(attributes.bytes).toBeInstanceOf(Uint8Array);
    expect('empty' in attributes).toBe(false);
  });

  it('gives the same batch and the same answer when the request comes as OTLP/JSON', async () => {
    const json = await send(h.port, { body: asOtlpJson(), headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toBe('application/json');
    const answer = JSON.parse(json.text) as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    expect(answer.partialSuccess.rejectedDataPoints).toBe('3');
    expect(answer.partialSuccess.errorMessage).toBe(decodeProtobufResponse(reply.body).errorMessage);
    const fromJson = h.received()[1];
    expect(plain(fromJson)).toEqual(plain(fromProto));
  });
});

describe('OTLP/JSON variants', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver();
  });
  afterAll(() => h.receiver.shutdown());

  const postJson = (body: unknown) => send(h.port, { body: JSON.stringify(body), headers: { 'content-type': 'application/json; charset=utf-8' } });

  it('accepts snake_case keys, int64 as numbers, enum names, NaN/Infinity as strings, null and unknown fields', async () => {
    const before = h.received().length;
    const reply = await postJson({
      resource_metrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'sdk' } }], dropped_attributes_count: 0 },
          scope_metrics: [
            {
              scope: null,
              metrics: [
                {
                  name: 'a.sum',
                  sum: {
                    aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    is_monotonic: true,
                    data_points: [{ start_time_unix_nano: 1_000_000_000, time_unix_nano: '2000000000', as_int: 5, exemplars: [{ traceId: 'abcd' }] }],
                  },
                  metadata: [],
                  somethingNew: true,
                },
                { name: 'b.gauge', gauge: { dataPoints: [{ timeUnixNano: '3000000001', asDouble: 'NaN' }, { timeUnixNano: '3000000001', asDouble: '-Infinity' }] } },
                {
                  name: 'c.hist',
                  histogram: {
                    aggregationTemporality: 2,
                    dataPoints: [{ timeUnixNano: '1', count: 2, sum: 'Infinity', bucketCounts: [1, '1'], explicitBounds: ['0.5'] }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('{}');
    const rm = h.received()[before];
    expect(rm.resource.attributes).toEqual({ 'service.name': 'sdk' });
    expect(rm.scopeMetrics[0].scope).toEqual({ name: '' });
    expect(metric(rm, 'a.sum')).toMatchObject({
      aggregationTemporality: AggregationTemporality.DELTA,
      isMonotonic: true,
      descriptor: { valueType: ValueType.INT },
      dataPoints: [{ startTime: [1, 0], endTime: [2, 0], value: 5 }],
    });
    expect(metric(rm, 'b.gauge')?.dataPoints.map((p) => p.value)).toEqual([NaN, -Infinity]);
    expect(metric(rm, 'b.gauge')?.dataPoints[0].endTime).toEqual([3, 1]);
    expect(metric(rm, 'c.hist')?.dataPoints[0].value).toEqual({ buckets: { boundaries: [0.5], counts: [1, 1] }, count: 2, sum: Infinity });
  });

  it('answers an empty request ({}) with 200 and passes nothing on', async () => {
    const before = h.next.batches.length;
    const reply = await postJson({});
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('{}');
    expect(h.next.batches.length).toBe(before);
  });

  it.each([
    { name: 'a string for a list', body: { resourceMetrics: 'x' }, says: 'resourceMetrics: must be a list, not a string' },
    {
      name: 'a fraction for an int64',
      body: { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asInt: 1.5 }] } }] }] }] },
      says: 'resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0].asInt: must be an integer',
    },
    {
      name: 'a negative timestamp',
      body: { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ timeUnixNano: '-1', asInt: 1 }] } }] }] }] },
      says: 'timeUnixNano: does not fit in a uint64',
    },
    {
      name: 'a word for a double',
      body: { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{ asDouble: 'lots' }] } }] }] }] },
      says: 'asDouble: must be a number',
    },
    { name: 'an array body', body: [], says: 'the body must be a JSON object' },
  ])('refuses $name with 400 naming the place', async ({ body, says }) => {
    const reply = await postJson(body);
    expect(reply.status).toBe(400);
    const status = JSON.parse(reply.text) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toContain(says);
  });
});

describe('points that break OTLP rules', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver();
  });
  afterAll(() => h.receiver.shutdown());

  const GOOD = { name: 'kong.up', gauge: { dataPoints: [{ timeUnixNano: END, asInt: '1' }] } };
  const histogram = (point: Record<string, unknown>) => ({ name: 'bad', histogram: { aggregationTemporality: 2, dataPoints: [{ timeUnixNano: END, ...point }] } });
  const exponential = (point: Record<string, unknown>) => ({
    name: 'bad',
    exponentialHistogram: { aggregationTemporality: 1, dataPoints: [{ timeUnixNano: END, ...point }] },
  });

  it.each([
    { name: 'a number point without a value', metric: { name: 'bad', gauge: { dataPoints: [{ timeUnixNano: END }] } }, says: 'number data point without a value' },
    { name: 'a sum without temporality', metric: { name: 'bad', sum: { isMonotonic: true, dataPoints: [{ asInt: '1' }, { asInt: '2' }] } }, points: 2, says: 'aggregation_temporality must be delta (1) or cumulative (2)' },
    { name: 'a histogram without temporality', metric: { name: 'bad', histogram: { dataPoints: [{ count: '0' }] } }, says: 'aggregation_temporality must be' },
    { name: 'bounds out of order', metric: histogram({ count: '3', bucketCounts: ['1', '1', '1'], explicitBounds: [2, 1] }), says: 'histogram explicit_bounds must be finite and strictly increasing' },
    { name: 'a repeated bound', metric: histogram({ count: '3', bucketCounts: ['1', '1', '1'], explicitBounds: [1, 1] }), says: 'strictly increasing' },
    { name: 'a count that is not the sum of the buckets', metric: histogram({ count: '5', bucketCounts: ['1', '1'], explicitBounds: [1] }), says: 'histogram count must equal the sum of bucket_counts' },
    { name: 'an exponential scale of 21', metric: exponential({ count: '0', scale: 21 }), says: 'exponential histogram scale must be between -10 and 20' },
    { name: 'an exponential count that does not add up', metric: exponential({ count: '9', zeroCount: '1', positive: { bucketCounts: ['2'] } }), says: 'exponential histogram count must equal zero_count plus every bucket count' },
    { name: 'a metric without a name', metric: { gauge: { dataPoints: [{ asInt: '1' }] } }, says: 'metric name must not be empty' },
  ])('drops $name, keeps the rest, and says why in partial_success', async ({ metric: bad, points = 1, says }) => {
    const before = h.received().length;
    const invalid = h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'otlp', reason: 'invalid' });
    const reply = await send(h.port, { body: encodeRequest({ resourceMetrics: [{ scopeMetrics: [{ metrics: [bad, GOOD] }] }] }) });
    expect(reply.status).toBe(200);
    const partial = decodeProtobufResponse(reply.body);
    expect(partial.rejectedDataPoints).toBe(points);
    expect(partial.errorMessage).toContain(says);
    expect(h.telemetry.value(SelfMetric.receiverRefusedMetricPoints, { receiver: 'otlp', reason: 'invalid' })).toBe(invalid + points);
    const delivered = h.received()[before];
    expect(delivered.scopeMetrics[0].metrics.map((m) => m.descriptor.name)).toEqual(['kong.up']);
  });

  it('answers 200 with partial_success and passes nothing on when every point is dropped', async () => {
    const batches = h.next.batches.length;
    const summaryOnly = { name: 'rpc.latency', summary: { dataPoints: [{ timeUnixNano: END, count: '1', sum: 1 }] } };
    const reply = await send(h.port, {
      body: JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [summaryOnly] }] }] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({
      partialSuccess: { rejectedDataPoints: '1', errorMessage: 'summary metrics are not supported: 1 data point dropped (metric "rpc.latency")' },
    });
    expect(h.next.batches.length).toBe(batches);
  });
});
