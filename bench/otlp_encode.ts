import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { msToHrTime } from '../core/index.js';
import { serialize } from '../exporters/otlphttp/encode.js';
import type { BenchLine } from './bench_line.js';

const gzip = promisify(gzipCb);

const POINTS = 100_000;
const BOUNDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];

/** 100 k points: half delta sums, half 16-bucket delta histograms, each with 6 Kong-like attributes. */
function kongLikeMetrics(): ResourceMetrics {
  const start = msToHrTime(1_700_000_000_000);
  const end = msToHrTime(1_700_000_010_000);
  const attrs = (i: number) => ({
    'kong.service': `service-${i % 50}`,
    'kong.route': `route-${i % 500}`,
    'http.request.method': i % 3 === 0 ? 'POST' : 'GET',
    'http.response.status_code': [200, 201, 404, 500, 503][i % 5],
    'kong.consumer': `consumer-${i % 97}`,
    'kong.workspace': 'default',
  });
  const half = POINTS / 2;
  const sum: MetricData = {
    descriptor: { name: 'kong.http.requests', description: 'Requests proxied', unit: '{request}', valueType: ValueType.INT },
    dataPointType: DataPointType.SUM,
    aggregationTemporality: AggregationTemporality.DELTA,
    isMonotonic: true,
    dataPoints: Array.from({ length: half }, (_, i) => ({ startTime: start, endTime: end, attributes: attrs(i), value: (i % 40) + 1 })),
  };
  const histogram: MetricData = {
    descriptor: { name: 'kong.latency.total', description: 'Total latency', unit: 'ms', valueType: ValueType.DOUBLE },
    dataPointType: DataPointType.HISTOGRAM,
    aggregationTemporality: AggregationTemporality.DELTA,
    dataPoints: Array.from({ length: half }, (_, i) => {
      const counts = BOUNDS.map((_, b) => (i + b) % 7).concat([i % 3]);
      const count = counts.reduce((a, c) => a + c, 0);
      return {
        startTime: start,
        endTime: end,
        attributes: attrs(i),
        value: { count, sum: count * 42.5, min: 0.5, max: 48_000, buckets: { boundaries: BOUNDS, counts } },
      };
    }),
  };
  return {
    resource: resourceFromAttributes({ 'service.name': 'kongtel', 'service.instance.id': 'bench' }),
    scopeMetrics: [{ scope: { name: 'kongtel.kong_metrics', version: '0.1.0' }, metrics: [sum, histogram] }],
  };
}

/** OTLP protobuf encoding + gzip of 100 k points, as the otlphttp exporter does it per request (target < 1 s). */
export async function benchOtlpEncode(): Promise<BenchLine[]> {
  const rm = kongLikeMetrics();
  // One warm-up round so the JIT has seen the serializer before it is timed.
  await gzip(serialize([rm], 'proto'));
  const t0 = performance.now();
  const raw = serialize([rm], 'proto');
  const t1 = performance.now();
  const gz = await gzip(raw);
  const t2 = performance.now();
  return [
    { name: 'otlp_encode_gzip_100k_points', value: Math.round(t2 - t0), unit: 'ms' },
    { name: 'otlp_encode_100k_points', value: Math.round(t1 - t0), unit: 'ms' },
    { name: 'otlp_gzip_100k_points', value: Math.round(t2 - t1), unit: 'ms' },
    { name: 'otlp_request_bytes_100k_points', value: raw.length, unit: 'bytes' },
    { name: 'otlp_request_gzip_bytes_100k_points', value: gz.length, unit: 'bytes' },
  ];
}
