import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  DataPointType,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import {
  type Batch,
  type KongLogEntry,
  logBatch,
  ManualClock,
  type MetricBatch,
  type Processor,
  SelfTelemetry,
} from '../../../core/index.js';
import { kongMetricsConfigSchema, kongMetricsFactory, type KongMetricsConfig } from '../../../processors/kong_metrics/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { textLogger } from '../../support/logs.js';

export const KONG_FIXTURES = fileURLToPath(new URL('../../testdata/kong/', import.meta.url));

/** Bucket bounds as metric-mapping.md lists them (copied from the doc, not from the code). */
export const DOC_BOUNDS: Record<string, number[]> = {
  latency: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60],
  genai: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  tpot: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
  size: [100, 1000, 10000, 100000, 1000000, 10000000, 100000000],
  tokens: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
};

export function loadEntries(file: string): KongLogEntry[] {
  const body: unknown = JSON.parse(readFileSync(KONG_FIXTURES + file, 'utf8'));
  return (Array.isArray(body) ? body : [body]) as KongLogEntry[];
}

export const T0 = 1_700_000_000_000;

/** A pino logger whose lines (JSON text) land in `lines`. */
/** A started processor on a manual clock, with the consumer that sees its emissions and its log lines. */
export class Harness {
  readonly clock = new ManualClock(T0);
  readonly telemetry = new SelfTelemetry();
  readonly next = new CapturingConsumer();
  readonly logs: string[] = [];
  readonly config: KongMetricsConfig;
  readonly processor: Processor;

  constructor(config: Record<string, unknown> = {}) {
    this.config = kongMetricsConfigSchema.parse(config);
    const ctx = {
      ...testContext('kong_metrics', 'processor', { clock: this.clock, telemetry: this.telemetry, pipelineId: 'metrics/kong' }),
      logger: textLogger(this.logs),
    };
    this.processor = kongMetricsFactory.create(this.config, ctx, this.next);
  }

  async start(): Promise<this> {
    await this.processor.start(runningHost);
    return this;
  }

  consume(entries: readonly KongLogEntry[]): Promise<void> {
    return this.processor.consume(logBatch(entries));
  }

  /** Moves the clock by one interval and waits for the emission it triggers. */
  async tick(ms = this.config.interval): Promise<void> {
    this.clock.advance(ms);
    await flush();
  }

  metricBatches(): MetricBatch[] {
    return this.next.batches.filter((b: Batch): b is MetricBatch => b.signal === 'metrics');
  }

  /** The metrics of the last emission, by name. */
  last(): Map<string, MetricData> {
    const batches = this.metricBatches();
    const b = batches[batches.length - 1];
    return b === undefined ? new Map() : metricsByName(b);
  }
}

/** Lets queued promise callbacks (an emission and the consume it awaits) run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

export function metricsByName(b: MetricBatch): Map<string, MetricData> {
  const out = new Map<string, MetricData>();
  for (const rm of b.resourceMetrics) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) out.set(m.descriptor.name, m);
  return out;
}

/** Runs entries through a fresh processor and returns its shutdown emission by metric name. */
export async function emitted(entries: readonly KongLogEntry[], config: Record<string, unknown> = {}): Promise<Map<string, MetricData>> {
  const h = await new Harness(config).start();
  await h.consume(entries);
  await h.processor.shutdown();
  return h.last();
}

export function sumPoints(m: MetricData | undefined): DataPoint<number>[] {
  if (m === undefined) return [];
  if (m.dataPointType !== DataPointType.SUM) throw new Error(`${m.descriptor.name} is not a sum`);
  return m.dataPoints;
}

export function histogramPoints(m: MetricData | undefined): DataPoint<Histogram>[] {
  if (m === undefined) return [];
  if (m.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${m.descriptor.name} is not a histogram`);
  return m.dataPoints;
}

/** Sum over every point of a sum metric. */
export function total(m: MetricData | undefined): number {
  return sumPoints(m).reduce((a, p) => a + p.value, 0);
}

// ---- The compact, readable form of the golden files -------------------------------------------------

export interface CompactPoint {
  attributes: Attributes;
  value?: number;
  count?: number;
  sum?: number;
  /** Upper bound as written in the bounds list (or "+Inf") → count, non-zero buckets only. */
  buckets?: Record<string, number>;
}

export interface CompactMetric {
  type: 'sum' | 'histogram';
  unit: string;
  temporality: 'cumulative' | 'delta';
  monotonic?: boolean;
  valueType?: 'int' | 'double';
  /** A DOC_BOUNDS name, or the bounds themselves when they are none of those. */
  bounds?: string | number[];
  points: CompactPoint[];
}

function boundsName(b: number[]): string | number[] {
  for (const [name, list] of Object.entries(DOC_BOUNDS)) {
    if (list.length === b.length && list.every((v, i) => v === b[i])) return name;
  }
  return b;
}

export function compact(metrics: Map<string, MetricData>): Record<string, CompactMetric> {
  const out: Record<string, CompactMetric> = {};
  for (const [name, m] of metrics) {
    const temporality = m.aggregationTemporality === AggregationTemporality.CUMULATIVE ? 'cumulative' : 'delta';
    if (m.dataPointType === DataPointType.SUM) {
      out[name] = {
        type: 'sum',
        unit: m.descriptor.unit,
        temporality,
        monotonic: m.isMonotonic,
        valueType: m.descriptor.valueType === 0 ? 'int' : 'double',
        points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value })),
      };
    } else if (m.dataPointType === DataPointType.HISTOGRAM) {
      const bounds = m.dataPoints[0]?.value.buckets.boundaries ?? [];
      out[name] = {
        type: 'histogram',
        unit: m.descriptor.unit,
        temporality,
        bounds: boundsName(bounds),
        points: m.dataPoints.map((p) => {
          const buckets: Record<string, number> = {};
          const { boundaries, counts } = p.value.buckets;
          if (counts.length !== boundaries.length + 1) throw new Error(`${name}: ${counts.length} counts for ${boundaries.length} bounds`);
          counts.forEach((c, i) => {
            if (c !== 0) buckets[i < boundaries.length ? String(boundaries[i]) : '+Inf'] = c;
          });
          return { attributes: p.attributes, count: p.value.count, sum: p.value.sum, buckets };
        }),
      };
    } else {
      throw new Error(`${name}: unexpected data point type ${m.dataPointType}`);
    }
  }
  return out;
}

function canonical(a: Attributes): string {
  return JSON.stringify(Object.keys(a).sort().map((k) => [k, a[k]]));
}

/** Sorts points by attribute set, so comparisons do not depend on emission order. */
export function sortPoints(metrics: Record<string, CompactMetric>): Record<string, CompactMetric> {
  for (const m of Object.values(metrics)) m.points.sort((a, b) => (canonical(a.attributes) < canonical(b.attributes) ? -1 : 1));
  return metrics;
}

/** Deep equality where numbers may differ by ~1e-9 (ms → s divisions); reports the first difference's path. */
export function diff(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)) ? undefined : `${path}: ${actual} ≠ ${expected}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array`;
    if (actual.length !== expected.length) return `${path}: ${actual.length} items ≠ ${expected.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = diff(actual[i], expected[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return `${path}: expected an object`;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    for (const k of [...keys].sort()) {
      if (!(k in e)) return `${path}.${k}: unexpected (${JSON.stringify(a[k])})`;
      if (!(k in a)) return `${path}.${k}: missing (expected ${JSON.stringify(e[k])})`;
      const d = diff(a[k], e[k], `${path}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return Object.is(actual, expected) ? undefined : `${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`;
}
