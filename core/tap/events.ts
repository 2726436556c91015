import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import type { ComponentKind } from '../component.js';
import { type Batch, countDataPoints, type MetricBatch, type Signal } from '../data.js';
import type { KongLogEntry } from '../kong/entry.js';

/** Items of one batch shown in its event: enough to see the shape, bounded whatever the batch size. */
export const SAMPLE_ITEMS = 3;

/** The component whose output a tap shows (what it hands its next consumer). */
export interface TapOrigin {
  readonly id: string;
  readonly kind: Extract<ComponentKind, 'receiver' | 'processor'>;
  /** The pipeline of a processor instance; a receiver feeds every pipeline that names it. */
  readonly pipeline?: string;
}

/** One sampled point of a metric, its attributes and value (a histogram as count and sum). */
export interface TapPoint {
  readonly metric: string;
  readonly type: 'sum' | 'gauge' | 'histogram' | 'exponential_histogram';
  readonly unit: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly value: number | { readonly count: number; readonly sum: number | undefined };
}

/** A batch a component emitted, as a tap client sees it (one NDJSON line). */
export interface TapBatchEvent {
  readonly type: 'batch';
  readonly time: string;
  readonly component: string;
  readonly kind: TapOrigin['kind'];
  readonly pipeline?: string;
  readonly signal: Signal;
  /** Entries (logs) or data points (metrics) in the whole batch. */
  readonly items: number;
  /** Batches this client was not sent since its last event: sampling, or a slow reader. */
  readonly skipped: number;
  readonly sample: readonly unknown[];
}

/**
 * What a tap may show of a Kong entry. Supplied by the composition root (cmd/run.ts), because only
 * kong_metrics knows which fields it reads; a view must leave out headers, query strings, payloads and
 * client addresses — the tap promises to show what the mapping uses and nothing a user did not mean to log.
 */
export type EntryView = (entry: KongLogEntry) => unknown;

/** Without a view an entry shows as nothing but its position: never the raw object. */
const NO_VIEW: EntryView = () => ({});

export function batchEvent(origin: TapOrigin, batch: Batch, time: Date, skipped: number, view: EntryView = NO_VIEW): TapBatchEvent {
  const common = { type: 'batch' as const, time: time.toISOString(), component: origin.id, kind: origin.kind, pipeline: origin.pipeline, skipped };
  if (batch.signal === 'logs') {
    return { ...common, signal: 'logs', items: batch.entries.length, sample: batch.entries.slice(0, SAMPLE_ITEMS).map(view) };
  }
  return { ...common, signal: 'metrics', items: countDataPoints(batch), sample: samplePoints(batch) };
}

function samplePoints(batch: MetricBatch): TapPoint[] {
  const out: TapPoint[] = [];
  for (const rm of batch.resourceMetrics) {
    for (const sm of rm.scopeMetrics) {
      for (const m of sm.metrics) {
        for (const p of m.dataPoints) {
          out.push({ metric: m.descriptor.name, type: typeOf(m), unit: m.descriptor.unit, attributes: p.attributes, value: valueOf(p.value) });
          if (out.length === SAMPLE_ITEMS) return out;
        }
      }
    }
  }
  return out;
}

function typeOf(m: MetricData): TapPoint['type'] {
  switch (m.dataPointType) {
    case DataPointType.SUM:
      return 'sum';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    case DataPointType.EXPONENTIAL_HISTOGRAM:
      return 'exponential_histogram';
  }
}

function valueOf(v: unknown): TapPoint['value'] {
  if (typeof v === 'number') return v;
  const h = v as { count?: unknown; sum?: unknown };
  return { count: typeof h.count === 'number' ? h.count : 0, sum: typeof h.sum === 'number' ? h.sum : undefined };
}
