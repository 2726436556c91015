import type { HrTime } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { hasNoRecordedValue, ManualClock, metricBatch, type MetricBatch } from '../../../core/index.js';
import { cumulativeToDeltaFactory } from '../../../processors/cumulativetodelta/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { batchOf, expSeries, hist, histogramMetric, histogramSeries, metricsOf, point, resourceMetrics, steps, sumSeries, T0 } from './metrics.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { gaugeMetric, sumMetric } from '../../support/metric_data.js';

/**
 * The processor's behaviour as a table: input sequences → what comes out. Point i of a series is stamped
 * T0 + 10·(i+1) s; the processor starts at T0. Start times are unset unless a case says so, which makes
 * the default initial_value (auto) drop each stream's first point. Numbers in `starts`/`times` are seconds
 * after T0. Where this differs from the Collector it is on purpose (kongtel issue text):
 *   - a decrease is a reset: the new value itself is the delta (upstream drops the point);
 *   - points flagged "no recorded value" are kept, flagged, with an empty value (upstream removes them).
 */

type Projected = number | 'nv' | Record<string, unknown>;

interface Expected {
  temporality: 'delta' | 'cumulative';
  points: Projected[];
  /** Start time of each output point: seconds after T0, or 'unset'. */
  starts?: (number | 'unset')[];
  /** End time of each output point, seconds after T0. */
  times?: number[];
}

interface Case {
  name: string;
  config?: Record<string, unknown>;
  batches: MetricBatch[];
  expect: Record<string, Expected>;
}

const sec = (t: HrTime): number | 'unset' => (t[0] === 0 && t[1] === 0 ? 'unset' : t[0] - T0 + t[1] / 1e9);

function projectHistogram(v: Histogram): Record<string, unknown> {
  const out: Record<string, unknown> = { count: v.count, counts: v.buckets.counts };
  if ('sum' in v) out.sum = v.sum;
  if ('min' in v) out.min = v.min;
  if ('max' in v) out.max = v.max;
  return out;
}

function projectExp(v: ExponentialHistogram): Record<string, unknown> {
  const out: Record<string, unknown> = {
    count: v.count,
    scale: v.scale,
    zero: v.zeroCount,
    pos: [v.positive.offset, ...v.positive.bucketCounts],
    neg: [v.negative.offset, ...v.negative.bucketCounts],
  };
  if ('sum' in v) out.sum = v.sum;
  if ('min' in v) out.min = v.min;
  if ('max' in v) out.max = v.max;
  return out;
}

/** 'nv' stands for: flagged "no recorded value" and carrying an empty value; anything else shows as is. */
function project(m: MetricData, p: DataPoint<unknown>): Projected {
  let v: Projected;
  let empty: boolean;
  switch (m.dataPointType) {
    case DataPointType.HISTOGRAM: {
      const h = p.value as Histogram;
      v = projectHistogram(h);
      empty = h.count === 0 && h.buckets.counts.every((c) => c === 0) && h.sum === undefined;
      break;
    }
    case DataPointType.EXPONENTIAL_HISTOGRAM: {
      const e = p.value as ExponentialHistogram;
      v = projectExp(e);
      empty = e.count === 0 && e.zeroCount === 0 && e.positive.bucketCounts.length === 0 && e.sum === undefined;
      break;
    }
    default:
      v = p.value as number;
      empty = v === 0;
  }
  if (hasNoRecordedValue(p)) return empty ? 'nv' : { flagged: v };
  return v;
}

async function run(c: Case): Promise<Record<string, Expected>> {
  const clock = new ManualClock(T0 * 1000);
  const next = new CapturingConsumer();
  const config = cumulativeToDeltaFactory.configSchema.parse(c.config ?? {});
  const processor = cumulativeToDeltaFactory.create(config, testContext('cumulativetodelta', 'processor', { clock }), next);
  await processor.start(runningHost);
  for (const b of c.batches) {
    clock.advance(10_000);
    await processor.consume(b);
  }
  await processor.shutdown();
  const seen: Record<string, Expected & { temporalities: Set<string> }> = {};
  for (const b of next.batches) {
    if (b.signal !== 'metrics') throw new Error('logs came out of cumulativetodelta');
    for (const m of metricsOf(b)) {
      const e = (seen[m.descriptor.name] ??= { temporality: 'delta', points: [], starts: [], times: [], temporalities: new Set() });
      e.temporalities.add(m.aggregationTemporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative');
      for (const p of m.dataPoints as DataPoint<unknown>[]) {
        e.points.push(project(m, p));
        e.starts?.push(sec(p.startTime));
        e.times?.push(sec(p.endTime) as number);
      }
    }
  }
  const out: Record<string, Expected> = {};
  for (const [name, e] of Object.entries(seen)) {
    out[name] = { temporality: [...e.temporalities].join('+') as Expected['temporality'], points: e.points, starts: e.starts, times: e.times };
  }
  return out;
}

const h = (counts: number[], sum?: number) => hist(counts, sum === undefined ? {} : { sum });
/** A converted histogram point as projected. */
const dh = (count: number, counts: number[], sum?: number) => (sum === undefined ? { count, counts } : { count, counts, sum });

const exp = (
  count: number,
  o: { sum?: number; scale?: number; zero?: number; zt?: number; pos?: [number, ...number[]]; neg?: [number, ...number[]]; min?: number; max?: number },
): ExponentialHistogram => {
  const v: ExponentialHistogram & { zeroThreshold?: number } = {
    count,
    scale: o.scale ?? 0,
    zeroCount: o.zero ?? 0,
    positive: { offset: o.pos?.[0] ?? 0, bucketCounts: o.pos?.slice(1) ?? [] },
    negative: { offset: o.neg?.[0] ?? 0, bucketCounts: o.neg?.slice(1) ?? [] },
  };
  if (o.sum !== undefined) v.sum = o.sum;
  if (o.zt !== undefined) v.zeroThreshold = o.zt;
  if (o.min !== undefined) v.min = o.min;
  if (o.max !== undefined) v.max = o.max;
  return v;
};

const histograms8 = [h([0, 0, 0], 0), h([50, 25, 25], 100), h([100, 50, 50], 200), h([250, 125, 125], 500)];
const deltas8 = [dh(100, [50, 25, 25], 100), dh(100, [50, 25, 25], 100), dh(300, [150, 75, 75], 300)];

const sums: Case[] = [
  {
    name: 'include strict: only the named monotonic sum is converted; its first point (start unset) is dropped',
    config: { include: { metrics: ['metric_1'], match_type: 'strict' } },
    batches: steps(sumSeries('metric_1', [0, 100, 200, 500]), sumSeries('metric_2', [4])),
    expect: {
      metric_1: { temporality: 'delta', points: [100, 100, 300], starts: [10, 20, 30], times: [20, 30, 40] },
      metric_2: { temporality: 'cumulative', points: [4], starts: ['unset'], times: [10] },
    },
  },
  {
    name: 'exclude regexp .* leaves everything cumulative',
    config: { exclude: { metrics: ['.*'], match_type: 'regexp' } },
    batches: steps(sumSeries('metric_1', [100]), sumSeries('metric_2', [4])),
    expect: { metric_1: { temporality: 'cumulative', points: [100] }, metric_2: { temporality: 'cumulative', points: [4] } },
  },
  {
    name: 'exclude wins over include',
    config: { include: { metrics: ['.*'], match_type: 'regexp' }, exclude: { metrics: ['.*'], match_type: 'regexp' } },
    batches: steps(sumSeries('metric_1', [100]), sumSeries('metric_2', [4])),
    expect: { metric_1: { temporality: 'cumulative', points: [100] }, metric_2: { temporality: 'cumulative', points: [4] } },
  },
  {
    name: 'regexp is unanchored (`_1` matches metric_1); a NaN value passes through and does not move the baseline',
    config: { include: { metrics: ['_1'], match_type: 'regexp' } },
    batches: steps(sumSeries('metric_1', [0, 100, 200, Number.NaN, 260]), sumSeries('metric_2', [4])),
    expect: {
      metric_1: { temporality: 'delta', points: [100, 100, Number.NaN, 60], starts: [10, 20, 'unset', 30] },
      metric_2: { temporality: 'cumulative', points: [4] },
    },
  },
  {
    name: 'no recorded value: kept with its flag and value 0; the baseline stays, so the next delta spans the gap',
    batches: steps(sumSeries('a', [0, 100, 'nv', 200, 400]), sumSeries('b', [0, 100, 'nv', 'nv', 400])),
    expect: {
      a: { temporality: 'delta', points: [100, 'nv', 100, 200], starts: [10, 20, 20, 40], times: [20, 30, 40, 50] },
      b: { temporality: 'delta', points: [100, 'nv', 'nv', 300], starts: [10, 20, 20, 20], times: [20, 30, 40, 50] },
    },
  },
  {
    name: 'a decrease is a reset: the new value itself is the delta (start unset → the previous point time)',
    batches: steps(sumSeries('m', [100, 105, 120, 100, 110])),
    expect: { m: { temporality: 'delta', points: [5, 15, 100, 10], starts: [10, 20, 30, 40], times: [20, 30, 40, 50] } },
  },
  {
    name: 'a decrease with a start time set: the reset point keeps its own start time',
    batches: steps(sumSeries('m', [100, 105, 120, 100, 110], { start: -100 })),
    expect: { m: { temporality: 'delta', points: [5, 15, 100, 10], starts: [10, 20, -100, 40] } },
  },
  {
    name: 'a changed start time is a reset of the same stream, even when the value grew',
    batches: steps(sumSeries('m', [100, 150, 300, 350], { start: (i) => (i < 2 ? 5 : 25) })),
    expect: { m: { temporality: 'delta', points: [100, 50, 300, 50], starts: [5, 10, 25, 30] } },
  },
  {
    name: 'non-monotonic sums pass unchanged and stay cumulative',
    batches: steps(sumSeries('requests', [0, 100, 200, 500]), sumSeries('connections', [4, 5], { monotonic: false })),
    expect: {
      requests: { temporality: 'delta', points: [100, 100, 300] },
      connections: { temporality: 'cumulative', points: [4, 5] },
    },
  },
  {
    name: 'two converted sums keep separate baselines',
    batches: steps(sumSeries('m1', [0, 100, 200, 500]), sumSeries('m2', [0, 4, 5])),
    expect: { m1: { temporality: 'delta', points: [100, 100, 300] }, m2: { temporality: 'delta', points: [4, 1] } },
  },
  {
    name: 'delta sums and gauges pass untouched',
    batches: [
      ...steps(sumSeries('already_delta', [3, 4], { temporality: AggregationTemporality.DELTA })),
      batchOf(gaugeMetric('temperature', [point({ value: 21, t: 30 })])),
    ],
    expect: {
      already_delta: { temporality: 'delta', points: [3, 4], starts: ['unset', 'unset'] },
      temperature: { temporality: 'cumulative', points: [21] },
    },
  },
  {
    name: 'a point older than the last one seen is dropped (it would be counted twice)',
    batches: [
      batchOf(sumMetric('m', [point({ value: 100, t: 20 })])),
      batchOf(sumMetric('m', [point({ value: 50, t: 10 })])),
      batchOf(sumMetric('m', [point({ value: 130, t: 30 })])),
    ],
    expect: { m: { temporality: 'delta', points: [30], starts: [20], times: [30] } },
  },
  {
    name: 'several points of one stream in one metric are converted in order',
    batches: [
      batchOf(
        sumMetric('m', [point({ value: 10, t: 10, start: 1 }), point({ value: 25, t: 20, start: 1 }), point({ value: 45, t: 30, start: 1 })]),
      ),
    ],
    expect: { m: { temporality: 'delta', points: [10, 15, 20], starts: [1, 10, 20] } },
  },
];

const initialValue: Case[] = [
  {
    name: 'auto: a stream that started after the processor keeps its first point, whole, with its own start',
    batches: steps(sumSeries('m', [100, 225], { start: 1 })),
    expect: { m: { temporality: 'delta', points: [100, 125], starts: [1, 10] } },
  },
  {
    name: 'auto: a stream that started before the processor loses its first point (kongtel cannot know what it missed)',
    batches: steps(sumSeries('m', [100, 225], { start: -1 })),
    expect: { m: { temporality: 'delta', points: [125], starts: [10] } },
  },
  {
    name: 'auto: start time equal to the point time drops the first point',
    batches: [batchOf(sumMetric('m', [point({ value: 100, t: 10, start: 10 })])), batchOf(sumMetric('m', [point({ value: 225, t: 20, start: 10 })]))],
    expect: { m: { temporality: 'delta', points: [125], starts: [10] } },
  },
  {
    name: 'keep: the first point is emitted whole even with its start unset',
    config: { initial_value: 'keep' },
    batches: steps(sumSeries('m', [100, 225])),
    expect: { m: { temporality: 'delta', points: [100, 125], starts: ['unset', 10] } },
  },
  {
    name: 'drop: the first point is never emitted, even when it started after the processor',
    config: { initial_value: 'drop' },
    batches: steps(sumSeries('m', [100, 225], { start: 1 })),
    expect: { m: { temporality: 'delta', points: [125], starts: [10] } },
  },
  {
    name: 'auto over a counter life: first, delta, reset (own start), delta, delta',
    batches: steps(sumSeries('m', [100, 225, 75, 300, 325], { start: 1 })),
    expect: { m: { temporality: 'delta', points: [100, 125, 75, 225, 25], starts: [1, 10, 1, 30, 40] } },
  },
];

const histogramCases: Case[] = [
  {
    name: 'histogram: count, sum and every bucket become deltas',
    batches: steps(histogramSeries('latency', histograms8)),
    expect: { latency: { temporality: 'delta', points: deltas8, starts: [10, 20, 30] } },
  },
  {
    name: 'histogram: min and max are removed from converted points and kept on untouched ones',
    config: { exclude: { metrics: ['untouched'], match_type: 'strict' } },
    batches: steps(
      histogramSeries('latency', [hist([0, 0, 0], { sum: 0, min: 1, max: 9 }), hist([50, 25, 25], { sum: 100, min: 1, max: 9 })]),
      histogramSeries('untouched', [hist([1, 0, 0], { sum: 1, min: 1, max: 1 })]),
    ),
    expect: {
      latency: { temporality: 'delta', points: [dh(100, [50, 25, 25], 100)] },
      untouched: { temporality: 'cumulative', points: [{ count: 1, counts: [1, 0, 0], sum: 1, min: 1, max: 1 }] },
    },
  },
  {
    name: 'histogram: a NaN sum is emitted as NaN and the next sum delta uses the last good sum',
    batches: steps(histogramSeries('latency', [h([0, 0, 0], 0), h([50, 25, 25], 100), h([100, 50, 50], Number.NaN), h([250, 125, 125], 500)])),
    expect: {
      latency: { temporality: 'delta', points: [dh(100, [50, 25, 25], 100), dh(100, [50, 25, 25], Number.NaN), dh(300, [150, 75, 75], 400)] },
    },
  },
  {
    name: 'histogram: no recorded value is kept flagged and empty; the baseline stays',
    batches: steps(
      histogramSeries('a', [h([0, 0, 0], 0), h([50, 25, 25], 100), 'nv', h([250, 125, 125], 500)]),
      histogramSeries('b', [h([0, 0, 0], 0), h([1, 1, 1], 3), 'nv', 'nv', h([21, 40, 20], 81)]),
    ),
    expect: {
      a: { temporality: 'delta', points: [dh(100, [50, 25, 25], 100), 'nv', dh(400, [200, 100, 100], 400)], starts: [10, 20, 20] },
      b: { temporality: 'delta', points: [dh(3, [1, 1, 1], 3), 'nv', 'nv', dh(78, [20, 39, 19], 78)] },
    },
  },
  {
    name: 'histogram: a missing sum stays missing',
    batches: steps(histogramSeries('latency', [h([0, 0, 0]), h([50, 25, 25]), h([100, 50, 50]), h([250, 125, 125])])),
    expect: { latency: { temporality: 'delta', points: [dh(100, [50, 25, 25]), dh(100, [50, 25, 25]), dh(300, [150, 75, 75])] } },
  },
  {
    name: 'histogram: changed bucket bounds are a reset (the point is its own delta) and the new baseline',
    batches: steps(
      histogramSeries('latency', [
        hist([0, 0, 0], { sum: 0, bounds: [1, 2] }),
        hist([50, 25, 25], { sum: 100, bounds: [1, 2] }),
        hist([100, 50, 50], { sum: 200, bounds: [1.5, 3] }),
        hist([250, 125, 125], { sum: 500, bounds: [1.5, 3] }),
      ]),
    ),
    expect: {
      latency: { temporality: 'delta', points: [dh(100, [50, 25, 25], 100), dh(200, [100, 50, 50], 200), dh(300, [150, 75, 75], 300)], starts: [10, 20, 30] },
    },
  },
  {
    name: 'histogram: a bucket that went down is a reset even though the count grew',
    batches: steps(histogramSeries('latency', [h([10, 10, 10], 30), h([20, 20, 20], 60), h([30, 5, 40], 90), h([31, 6, 41], 95)])),
    expect: { latency: { temporality: 'delta', points: [dh(30, [10, 10, 10], 30), dh(75, [30, 5, 40], 90), dh(3, [1, 1, 1], 5)], starts: [10, 20, 30] } },
  },
  {
    name: 'histogram: a lower count is a reset',
    batches: steps(histogramSeries('latency', [h([10, 10, 10], 30), h([20, 20, 20], 60), h([2, 1, 0], 4)])),
    expect: { latency: { temporality: 'delta', points: [dh(30, [10, 10, 10], 30), dh(3, [2, 1, 0], 4)] } },
  },
];

const exponentialCases: Case[] = [
  {
    name: 'exponential histogram: first point kept whole (started after the processor), then deltas with trimmed buckets',
    batches: steps(
      expSeries(
        'e',
        [
          exp(10, { sum: 10, pos: [-1, 10], min: 1, max: 9 }),
          exp(30, { sum: -10, pos: [-1, 10, 10], neg: [2, 10], min: -9, max: 9 }),
          exp(30, { sum: -10, pos: [-1, 10, 10], neg: [2, 10], min: -9, max: 9 }),
        ],
        { start: 1 },
      ),
    ),
    expect: {
      e: {
        temporality: 'delta',
        points: [
          { count: 10, sum: 10, scale: 0, zero: 0, pos: [-1, 10], neg: [0] },
          { count: 20, sum: -20, scale: 0, zero: 0, pos: [0, 10], neg: [2, 10] },
          { count: 0, sum: 0, scale: 0, zero: 0, pos: [0], neg: [0] },
        ],
        starts: [1, 10, 20],
      },
    },
  },
  {
    name: 'exponential histogram: a coarser scale and a wider zero bucket are applied to the older point first',
    batches: steps(
      expSeries('e', [exp(15, { sum: 20, pos: [-1, 10, 5] }), exp(45, { sum: 5, scale: -1, zt: 1, zero: 20, pos: [0, 15], neg: [0, 10] })]),
    ),
    expect: { e: { temporality: 'delta', points: [{ count: 30, sum: -15, scale: -1, zero: 10, pos: [0, 10], neg: [0, 10] }] } },
  },
  {
    name: 'exponential histogram: a finer scale cannot be compared and is a reset',
    batches: steps(expSeries('e', [exp(10, { pos: [0, 10] }), exp(12, { scale: 1, pos: [0, 6, 6] })])),
    expect: { e: { temporality: 'delta', points: [{ count: 12, scale: 1, zero: 0, pos: [0, 6, 6], neg: [0] }], starts: [10] } },
  },
  {
    name: 'exponential histogram: a bucket that went down is a reset',
    batches: steps(expSeries('e', [exp(10, { pos: [0, 5, 5] }), exp(12, { pos: [0, 8, 4] }), exp(14, { pos: [0, 9, 5] })])),
    expect: {
      e: {
        temporality: 'delta',
        points: [
          { count: 12, scale: 0, zero: 0, pos: [0, 8, 4], neg: [0] },
          { count: 2, scale: 0, zero: 0, pos: [0, 1, 1], neg: [0] },
        ],
      },
    },
  },
];

const filterCases: Case[] = [
  {
    name: 'exclude.metric_types [sum]: sums stay cumulative, histograms convert',
    config: { exclude: { metric_types: ['sum'] } },
    batches: steps(sumSeries('requests', [0, 100, 200, 500]), histogramSeries('latency', histograms8)),
    expect: {
      requests: { temporality: 'cumulative', points: [0, 100, 200, 500] },
      latency: { temporality: 'delta', points: deltas8 },
    },
  },
  {
    name: 'include.metric_types [histogram] (any case): the same',
    config: { include: { metric_types: ['Histogram'] } },
    batches: steps(sumSeries('requests', [0, 100, 200, 500]), histogramSeries('latency', histograms8)),
    expect: {
      requests: { temporality: 'cumulative', points: [0, 100, 200, 500] },
      latency: { temporality: 'delta', points: deltas8 },
    },
  },
  {
    name: 'include by name AND type: a named sum is not converted when only histograms are included',
    config: { include: { metrics: ['requests', 'latency'], match_type: 'strict', metric_types: ['histogram'] } },
    batches: steps(sumSeries('requests', [0, 100]), histogramSeries('latency', histograms8.slice(0, 2))),
    expect: {
      requests: { temporality: 'cumulative', points: [0, 100] },
      latency: { temporality: 'delta', points: deltas8.slice(0, 1) },
    },
  },
];

const rm = (value: number, t: number, scope: Parameters<typeof resourceMetrics>[2], resource?: Record<string, string>) =>
  resourceMetrics([sumMetric('m', [point({ value, t })])], resource, scope);

const identityCases: Case[] = [
  {
    name: 'scopes that differ only by schema URL are separate streams',
    config: { initial_value: 'drop' },
    batches: [
      metricBatch([rm(1, 20, { schemaUrl: 'https://a' })]),
      metricBatch([rm(3, 25, { schemaUrl: 'https://b' })]),
      metricBatch([rm(3, 40, { schemaUrl: 'https://a' })]),
    ],
    expect: { m: { temporality: 'delta', points: [2], starts: [20], times: [40] } },
  },
  {
    name: 'scopes that differ only by a scope attribute are separate streams',
    config: { initial_value: 'drop' },
    batches: [
      metricBatch([rm(1, 20, { attributes: { source: 'a' } })]),
      metricBatch([rm(3, 25, { attributes: { source: 'b' } })]),
      metricBatch([rm(3, 40, { attributes: { source: 'a' } })]),
    ],
    expect: { m: { temporality: 'delta', points: [2], starts: [20], times: [40] } },
  },
  {
    name: 'resources with different attributes are separate streams',
    config: { initial_value: 'drop' },
    batches: [
      metricBatch([rm(1, 20, {}, { 'service.name': 'kong-a' })]),
      metricBatch([rm(3, 25, {}, { 'service.name': 'kong-b' })]),
      metricBatch([rm(3, 40, {}, { 'service.name': 'kong-a' })]),
    ],
    expect: { m: { temporality: 'delta', points: [2], times: [40] } },
  },
  {
    name: 'point attribute order does not matter; attribute values do',
    batches: [
      batchOf(sumMetric('m', [point({ value: 1, t: 10, attrs: { a: '1', b: '2' } }), point({ value: 5, t: 10, attrs: { a: '1', b: 3 } })])),
      batchOf(sumMetric('m', [point({ value: 4, t: 20, attrs: { b: '2', a: '1' } }), point({ value: 6, t: 20, attrs: { b: 3, a: '1' } })])),
    ],
    expect: { m: { temporality: 'delta', points: [3, 1] } },
  },
  {
    name: 'a different unit is a different stream',
    batches: [
      batchOf(sumMetric('m', [point({ value: 1, t: 10 })], { unit: 'By' })),
      batchOf(sumMetric('m', [point({ value: 4, t: 20 })], { unit: 'KiBy' })),
      batchOf(sumMetric('m', [point({ value: 9, t: 30 })], { unit: 'By' })),
    ],
    expect: { m: { temporality: 'delta', points: [8], starts: [10] } },
  },
];

describe('cumulativetodelta: input sequences → output', () => {
  for (const [group, cases] of [
    ['monotonic sums', sums],
    ['initial_value', initialValue],
    ['explicit-bucket histograms', histogramCases],
    ['exponential histograms', exponentialCases],
    ['include / exclude', filterCases],
    ['stream identity', identityCases],
  ] as const) {
    describe(group, () => {
      it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
        const got = await run(c);
        expect(Object.keys(got).sort()).toEqual(Object.keys(c.expect).sort());
        for (const [name, want] of Object.entries(c.expect)) {
          expect.soft(got[name].temporality, `${name} temporality`).toBe(want.temporality);
          expect.soft(got[name].points, `${name} points`).toStrictEqual(want.points);
          if (want.starts) expect.soft(got[name].starts, `${name} start times`).toEqual(want.starts);
          if (want.times) expect.soft(got[name].times, `${name} end times`).toEqual(want.times);
        }
      });
    });
  }

  it('a histogram of the wrong shape (no buckets) is refused as bad data, not a crash', async () => {
    const next = new CapturingConsumer();
    const p = cumulativeToDeltaFactory.create(cumulativeToDeltaFactory.configSchema.parse({}), testContext('c2d', 'processor'), next);
    await p.start(runningHost);
    const broken = histogramMetric('latency', [point({ value: { count: 1 } as unknown as Histogram, t: 10 })]);
    await p.consume(batchOf(histogramMetric('latency', [point({ value: hist([1, 0, 0]), t: 5 })])));
    await expect(p.consume(batchOf(broken))).rejects.toThrow(/processor c2d: malformed metric data/);
  });
});
