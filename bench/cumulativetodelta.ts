import { performance } from 'node:perf_hooks';
import { type Attributes, type HrTime, ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type DataPoint, type Histogram, type MetricData } from '@opentelemetry/sdk-metrics';
import { type Batch, type Consumer, ManualClock, metricBatch, type MetricBatch, noStorage, SelfTelemetry, silentLogger } from '../core/index.js';
import { cumulativeToDeltaFactory } from '../processors/cumulativetodelta/index.js';
import type { BenchLine } from './bench_line.js';

/**
 * cumulativetodelta in steady state: 10 000 streams (Kong-like attribute sets) × 50 scrapes, in batches of
 * 1 000 points, for monotonic sums and for 16-bucket histograms. The first scrape (which only creates
 * streams) is not timed; building the input is not timed either; best of 3 trials. Targets: ≥ 1 M
 * points/s for sums, ≥ 200 k points/s for histograms.
 */


const STREAMS = 10_000;
const ROUNDS = 50;
const BATCH = 1_000;
const BUCKETS = 16;
const T0 = 1_700_000_000;

const discard: Consumer = { consume: async (_batch: Batch) => undefined };

/** Fresh objects and strings every scrape, as a parser produces them, so nothing rides on identity. */
function streamAttributes(): Attributes[] {
  const out: Attributes[] = [];
  for (let i = 0; i < STREAMS; i++) {
    out.push({ service: `svc-${i % 50}`, route: `route-${i}`, code: String(200 + (i % 5)), workspace: ['de', 'fault'].join('') });
  }
  return out;
}

function metric(type: 'sum' | 'histogram', points: DataPoint<number>[] | DataPoint<Histogram>[]): MetricData {
  const descriptor = { name: type === 'sum' ? 'kong_http_requests_total' : 'kong_request_latency_ms', description: '', unit: '', valueType: ValueType.DOUBLE };
  return type === 'sum'
    ? { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.SUM, isMonotonic: true, dataPoints: points as DataPoint<number>[] }
    : { descriptor, aggregationTemporality: AggregationTemporality.CUMULATIVE, dataPointType: DataPointType.HISTOGRAM, dataPoints: points as DataPoint<Histogram>[] };
}

/** One scrape of every stream, split into batches of BATCH points. Histogram values are shared per round. */
function round(type: 'sum' | 'histogram', r: number): MetricBatch[] {
  const attrs = streamAttributes();
  const resource = resourceFromAttributes({ 'service.name': 'kong', 'service.instance.id': 'kong-0' });
  const start: HrTime = [T0 - 3600, 0];
  const end: HrTime = [T0 + 10 * r, 0];
  const bounds = Array.from({ length: BUCKETS - 1 }, (_, i) => 2 ** i);
  const h: Histogram = { buckets: { boundaries: bounds, counts: new Array<number>(BUCKETS).fill(r + 1) }, count: BUCKETS * (r + 1), sum: 1000 * (r + 1) };
  const batches: MetricBatch[] = [];
  for (let i = 0; i < STREAMS; i += BATCH) {
    const points = [];
    for (let j = i; j < i + BATCH && j < STREAMS; j++) {
      points.push({ startTime: start, endTime: end, attributes: attrs[j], value: type === 'sum' ? 10 * r + j : h });
    }
    batches.push(metricBatch([{ resource, scopeMetrics: [{ scope: { name: 'kong' }, metrics: [metric(type, points as DataPoint<number>[] | DataPoint<Histogram>[])] }] }]));
  }
  return batches;
}

async function measure(type: 'sum' | 'histogram'): Promise<number> {
  const clock = new ManualClock(T0 * 1000 - 7200_000);
  const ctx = {
    id: 'cumulativetodelta',
    kind: 'processor' as const,
    pipelineId: 'bench',
    logger: silentLogger(),
    telemetry: new SelfTelemetry(),
    clock,
    resource: resourceFromAttributes({ 'service.name': 'kongtel' }),
    storage: noStorage,
  };
  const processor = cumulativeToDeltaFactory.create(cumulativeToDeltaFactory.configSchema.parse({}), ctx, discard);
  await processor.start({ status: () => 'running' });
  for (const b of round(type, 0)) await processor.consume(b);
  let ms = 0;
  let points = 0;
  for (let r = 1; r < ROUNDS; r++) {
    const batches = round(type, r);
    const t = performance.now();
    for (const b of batches) await processor.consume(b);
    ms += performance.now() - t;
    points += STREAMS;
  }
  await processor.shutdown();
  return points / (ms / 1000);
}

/** Best of a few trials: the machine is shared, and a slower trial measures the neighbours, not the code. */
async function best(type: 'sum' | 'histogram', trials = 3): Promise<number> {
  let top = 0;
  for (let i = 0; i < trials; i++) top = Math.max(top, await measure(type));
  return top;
}

export async function benchCumulativeToDelta(): Promise<BenchLine[]> {
  const sums = await best('sum');
  const histograms = await best('histogram');
  return [
    { name: `monotonic sums, ${STREAMS} streams × ${ROUNDS} scrapes (target ≥ 1 000 000)`, value: sums, unit: 'points/s' },
    { name: `${BUCKETS}-bucket histograms, ${STREAMS} streams × ${ROUNDS} scrapes (target ≥ 200 000)`, value: histograms, unit: 'points/s' },
  ];
}
