import { type HrTime, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type Histogram,
  type HistogramMetricData,
  type MetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import { msToHrTime } from '../../core/index.js';
import { type AnyMetric, HistogramMetric, type SumMetric } from './metric_store.js';
import type { HistogramSeries, SumSeries } from './series.js';

/** A delta point taken out of its series, kept until the send succeeds so a failure can put it back. */
export type TakenDelta =
  | { readonly kind: 'sum'; readonly series: SumSeries; readonly start: number; readonly point: DataPoint<number> }
  | {
      readonly kind: 'histogram';
      readonly series: HistogramSeries;
      readonly start: number;
      readonly point: DataPoint<Histogram>;
    };

export interface Collected {
  readonly metrics: MetricData[];
  readonly pointCount: number;
  /** Delta only: what was taken out of the series, for `restoreDeltas` when the send fails. */
  readonly taken: TakenDelta[];
}

/**
 * A point shares the series' attributes and the metric's bounds: consumers never change what they receive
 * (the contract's rule; one that must declares `mutatesData` and the fan-out hands it a copy, as the
 * Collector's `MutatesData`), and kong_metrics never changes either after a series is created. The counts
 * are copied for kong_metrics' own sake: they are the live array later entries add to and `reset()` zeroes
 * in place, while the emitted point is still being exported, and `restoreDeltas` reads it after the reset.
 */
function histogramValue(s: HistogramSeries, bounds: readonly number[]): Histogram {
  return {
    buckets: { boundaries: bounds as number[], counts: s.counts.slice() },
    sum: s.sum,
    count: s.count,
    min: s.min,
    max: s.max,
  };
}

function histogramData(m: HistogramMetric, temporality: AggregationTemporality, points: DataPoint<Histogram>[]): MetricData {
  const i = m.instrument;
  const data: HistogramMetricData = {
    descriptor: { name: i.name, description: i.description, unit: i.unit, valueType: ValueType.DOUBLE },
    aggregationTemporality: temporality,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: points,
  };
  return data;
}

function sumData(m: SumMetric, temporality: AggregationTemporality, points: DataPoint<number>[]): MetricData {
  const i = m.instrument;
  const data: SumMetricData = {
    descriptor: { name: i.name, description: i.description, unit: i.unit, valueType: i.valueType },
    aggregationTemporality: temporality,
    dataPointType: DataPointType.SUM,
    isMonotonic: true,
    dataPoints: points,
  };
  return data;
}

/** Every series of a metric, the overflow series last. */
function seriesOf<S>(m: { readonly series: readonly S[]; readonly overflow: S | undefined }): readonly S[] {
  return m.overflow === undefined ? m.series : [...m.series, m.overflow];
}

/**
 * A point's end strictly after its start. A series created in the very millisecond of an emission (or a
 * clock stepped back) would otherwise end when it starts, which cumulativetodelta's `initial_value: auto`
 * reads as "start unknown" and drops — losing the series' first entries for good.
 */
function endAfter(start: number, startHr: HrTime, now: number, endTime: HrTime): HrTime {
  return now > start ? endTime : [startHr[0], startHr[1] + 1];
}

/** Every series, every time; each point starts when its series was created. */
export function collectCumulative(metrics: readonly AnyMetric[], now: number): Collected {
  const endTime = msToHrTime(now);
  const out: MetricData[] = [];
  let pointCount = 0;
  for (const m of metrics) {
    if (m instanceof HistogramMetric) {
      const points: DataPoint<Histogram>[] = [];
      for (const s of seriesOf(m)) {
        const end = endAfter(s.start, s.startHr, now, endTime);
        points.push({ startTime: s.startHr, endTime: end, attributes: s.attributes, value: histogramValue(s, m.bounds) });
      }
      if (points.length > 0) out.push(histogramData(m, AggregationTemporality.CUMULATIVE, points));
      pointCount += points.length;
    } else {
      const points: DataPoint<number>[] = [];
      for (const s of seriesOf(m)) {
        points.push({ startTime: s.startHr, endTime: endAfter(s.start, s.startHr, now, endTime), attributes: s.attributes, value: s.value });
      }
      if (points.length > 0) out.push(sumData(m, AggregationTemporality.CUMULATIVE, points));
      pointCount += points.length;
    }
  }
  return { metrics: out, pointCount, taken: [] };
}

/**
 * The series that changed since the last emission, each from its previous emission (or creation) to now;
 * their values are then reset and their start moved to now, so the next delta begins where this one ends.
 */
export function collectDelta(metrics: readonly AnyMetric[], now: number): Collected {
  const endTime: HrTime = msToHrTime(now);
  const out: MetricData[] = [];
  const taken: TakenDelta[] = [];
  let pointCount = 0;
  for (const m of metrics) {
    if (m instanceof HistogramMetric) {
      const points: DataPoint<Histogram>[] = [];
      for (const s of seriesOf(m)) {
        if (s.isEmpty) continue;
        const point = { startTime: s.startHr, endTime, attributes: s.attributes, value: histogramValue(s, m.bounds) };
        points.push(point);
        taken.push({ kind: 'histogram', series: s, start: s.start, point });
        s.reset();
        s.start = now;
        s.startHr = endTime;
      }
      if (points.length > 0) out.push(histogramData(m, AggregationTemporality.DELTA, points));
      pointCount += points.length;
    } else {
      const points: DataPoint<number>[] = [];
      for (const s of seriesOf(m)) {
        if (s.isEmpty) continue;
        const point = { startTime: s.startHr, endTime, attributes: s.attributes, value: s.value };
        points.push(point);
        taken.push({ kind: 'sum', series: s, start: s.start, point });
        s.value = 0;
        s.start = now;
        s.startHr = endTime;
      }
      if (points.length > 0) out.push(sumData(m, AggregationTemporality.DELTA, points));
      pointCount += points.length;
    }
  }
  return { metrics: out, pointCount, taken };
}

/** Puts deltas that could not be sent back into their series (adding what arrived since), keeping their start. */
export function restoreDeltas(taken: readonly TakenDelta[]): void {
  for (const t of taken) {
    if (t.kind === 'sum') {
      t.series.value += t.point.value;
    } else {
      const s = t.series;
      const v = t.point.value;
      for (let i = 0; i < s.counts.length; i++) s.counts[i] += v.buckets.counts[i];
      s.sum += v.sum ?? 0;
      s.count += v.count;
      if (v.min !== undefined && v.min < s.min) s.min = v.min;
      if (v.max !== undefined && v.max > s.max) s.max = v.max;
    }
    t.series.start = t.start;
    t.series.startHr = t.point.startTime;
  }
}
