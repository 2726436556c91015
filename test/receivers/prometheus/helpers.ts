import type { Attributes, HrTime } from '@opentelemetry/api';
import { DataPointType, type DataPoint, type Histogram, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { hrTimeToMs, type Batch, type MetricBatch } from '../../../core/index.js';
import { convertPage, type ConversionResult } from '../../../receivers/prometheus/conversion.js';
import { PointLabels } from '../../../receivers/prometheus/labels.js';
import { parseExposition } from '../../../receivers/prometheus/parser.js';
import { TargetResources } from '../../../receivers/prometheus/resources.js';
import { StartTimes } from '../../../receivers/prometheus/start_times.js';
import type { ScrapeTarget } from '../../../receivers/prometheus/target.js';

export const T0 = 1_700_000_000_000;

export function stubTarget(over: Partial<ScrapeTarget> = {}): ScrapeTarget {
  return {
    job: 'kong',
    instance: 'kong:8100',
    host: 'kong',
    port: 8100,
    scheme: 'http',
    path: '/metrics',
    intervalMs: 10_000,
    timeoutMs: 5_000,
    bodySizeLimit: 0,
    offsetMs: 0,
    honorLabels: false,
    staticLabels: {},
    authorization: undefined,
    tls: undefined,
    ...over,
  };
}

/** Converts pages one after the other for the same target, as its scrape loop would. */
export class PageSequence {
  private readonly t;

  constructor(target: ScrapeTarget = stubTarget()) {
    this.t = { labels: new PointLabels(target), resources: new TargetResources(target), startTimes: new StartTimes() };
  }

  get tracked(): number {
    return this.t.startTimes.size;
  }

  convert(text: string, atMs: number): ConversionResult {
    return convertPage(parseExposition(text), atMs, this.t);
  }
}

export function asMetricBatch(batch: Batch | undefined): MetricBatch {
  if (batch?.signal !== 'metrics') throw new Error(`expected a metric batch, got ${batch?.signal}`);
  return batch;
}

export function allMetrics(rms: readonly ResourceMetrics[]): MetricData[] {
  return rms.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
}

export function metric(rms: readonly ResourceMetrics[], name: string): MetricData {
  const found = allMetrics(rms).filter((m) => m.descriptor.name === name);
  if (found.length !== 1) throw new Error(`${found.length} metrics named ${name}`);
  return found[0];
}

/** The single point of `name` whose attributes include `match`. */
export function point(rms: readonly ResourceMetrics[], name: string, match: Attributes = {}): DataPoint<number | Histogram> {
  const m = metric(rms, name);
  const points = (m.dataPoints as DataPoint<number | Histogram>[]).filter((p) => Object.entries(match).every(([k, v]) => p.attributes[k] === v));
  if (points.length !== 1) throw new Error(`${points.length} points of ${name} match ${JSON.stringify(match)}`);
  return points[0];
}

export function numberValue(rms: readonly ResourceMetrics[], name: string, match: Attributes = {}): number {
  const p = point(rms, name, match);
  if (typeof p.value !== 'number') throw new Error(`${name} is not a number metric`);
  return p.value;
}

export function histogramValue(rms: readonly ResourceMetrics[], name: string, match: Attributes = {}): Histogram {
  const m = metric(rms, name);
  if (m.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${name} is not a histogram`);
  const p = point(rms, name, match);
  return p.value as Histogram;
}

export function ms(t: HrTime): number {
  return hrTimeToMs(t);
}

/** Start and end of the single point of `name` matching `match`, in epoch ms. */
export function times(rms: readonly ResourceMetrics[], name: string, match: Attributes = {}): [number, number] {
  const p = point(rms, name, match);
  return [ms(p.startTime), ms(p.endTime)];
}
