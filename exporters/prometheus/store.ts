import type { Attributes, HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { hasNoRecordedValue, hrTimeToMs } from '../../core/index.js';
import { attributesKey, metricKey } from './identity.js';
import type { LabelMap } from './labels.js';
import type { OtelMetricKind } from './naming.js';
import { resourceEntry, type ResourceEntry } from './resource_entry.js';
import { newSeries, retireStream, type Family } from './series.js';
import { applyHistogram, applyNumber, type ApplyResult, type Stream } from './stream.js';
import { resolveTarget, scopeLabels, seriesLabels, type MetricTarget, type TargetOptions } from './targets.js';

/**
 * The exporter's state: every stream's cumulative value, and the families and series a scrape renders.
 * `consume` is the hot path and reads top to bottom: resource key once per resource, metric key and
 * target once per metric, one attribute key per point, then a plain update of the stream.
 */

export type DropReason = 'exponential_histogram' | 'type_conflict' | 'out_of_order' | 'invalid_point' | 'invalid_name';

/** How the store reports what it could not keep (the exporter counts and logs it). */
export interface StoreEvents {
  dropped(reason: DropReason, metric: string, points: number): void;
  /** A delta histogram changed its bucket layout: its series started over. */
  layoutReset(metric: string): void;
}

export interface StoreOptions extends TargetOptions {
  readonly withoutTargetInfo: boolean;
}

export class SeriesStore {
  /** metric key (resource + scope + metric) → point attributes key → stream. */
  private readonly streams = new Map<string, Map<string, Stream>>();
  readonly families = new Map<string, Family>();
  /** Resources with live streams, for target_info. */
  readonly resources = new Map<string, ResourceEntry>();
  private readonly resourceKeys = new WeakMap<Resource, string>();
  /** null: the metric has no Prometheus name. */
  private readonly targets = new Map<string, MetricTarget | null>();

  constructor(
    private readonly options: StoreOptions,
    private readonly events: StoreEvents,
  ) {}

  /** Applies every point; returns how many were kept. */
  consume(resourceMetrics: readonly ResourceMetrics[], now: number): number {
    let kept = 0;
    for (const rm of resourceMetrics) {
      const resource = this.resourceFor(rm.resource);
      for (const sm of rm.scopeMetrics) {
        let scope: LabelMap | undefined;
        for (const metric of sm.metrics) {
          const name = metric.descriptor.name;
          const kind = metricKind(metric);
          if (kind === undefined) {
            this.events.dropped('exponential_histogram', name, metric.dataPoints.length);
            continue;
          }
          const unit = metric.descriptor.unit ?? '';
          const mkey = metricKey(resource.key, sm.scope, name, unit, kind);
          const target = this.targetFor(metric, kind, unit);
          if (target === undefined) {
            this.events.dropped('invalid_name', name, metric.dataPoints.length);
            continue;
          }
          const delta = metric.aggregationTemporality === AggregationTemporality.DELTA && kind !== 'gauge';
          let streams = this.streams.get(mkey);
          for (const point of metric.dataPoints as readonly DataPointLike[]) {
            const akey = attributesKey(point.attributes);
            let stream = streams?.get(akey);
            if (hasNoRecordedValue(point)) {
              // The source says the stream ended (OTLP's staleness marker).
              if (stream) this.retire(stream, mkey, akey);
              continue;
            }
            const created = stream === undefined;
            if (!stream) {
              scope ??= scopeLabels(sm.scope.name, sm.scope.version, sm.scope.schemaUrl, this.options);
              stream = this.createStream(target, point.attributes, resource, scope, now);
              if (!stream) {
                this.events.dropped('type_conflict', name, 1);
                continue;
              }
              if (!streams) this.streams.set(mkey, (streams = new Map()));
              streams.set(akey, stream);
            }
            const endMs = endTimeMs(point.endTime);
            const result: ApplyResult =
              kind === 'histogram'
                ? applyHistogram(stream, point.value as HistogramValue, delta, endMs)
                : applyNumber(stream, point.value as number, delta, endMs);
            if (result === 'ok' || result === 'reset') {
              stream.updatedAt = now;
              kept++;
              if (result === 'reset') this.events.layoutReset(name);
            } else {
              if (created) this.retire(stream, mkey, akey);
              this.events.dropped(result, name, 1);
            }
          }
        }
      }
    }
    return kept;
  }

  /** Drops streams not updated for more than `expirationMs`; returns how many. */
  sweep(now: number, expirationMs: number): number {
    if (expirationMs <= 0) return 0;
    let expired = 0;
    for (const [mkey, streams] of this.streams) {
      for (const [akey, stream] of streams) {
        if (now - stream.updatedAt > expirationMs) {
          this.retire(stream, mkey, akey);
          expired++;
        }
      }
    }
    return expired;
  }

  /** Live streams (for tests and self-observation). */
  get streamCount(): number {
    let n = 0;
    for (const m of this.streams.values()) n += m.size;
    return n;
  }

  private resourceFor(resource: Resource): ResourceEntry {
    let key = this.resourceKeys.get(resource);
    if (key === undefined) {
      key = attributesKey(resource.attributes);
      this.resourceKeys.set(resource, key);
    }
    return this.resources.get(key) ?? resourceEntry(key, resource.attributes, this.options.droppedAttribute);
  }

  private targetFor(metric: MetricData, kind: OtelMetricKind, unit: string): MetricTarget | undefined {
    const key = `${metric.descriptor.name}\u0000${unit}\u0000${kind}`;
    let target = this.targets.get(key);
    if (target === undefined) {
      target = resolveTarget(metric.descriptor.name, unit, metric.descriptor.description ?? '', kind, this.options) ?? null;
      this.targets.set(key, target);
    }
    return target ?? undefined;
  }

  /** undefined when the family exists with another type (the spec: drop the metric, keep the family). */
  private createStream(
    target: MetricTarget,
    attrs: Attributes,
    resource: ResourceEntry,
    scope: LabelMap,
    now: number,
  ): Stream | undefined {
    if (target.family === 'target_info' && !this.options.withoutTargetInfo) return undefined;
    let family = this.families.get(target.family);
    if (!family) {
      family = { name: target.family, type: target.type, help: target.help, series: new Map() };
      this.families.set(family.name, family);
    } else if (family.type !== target.type) {
      return undefined;
    }
    const labels = seriesLabels(target, attrs, resource, scope, this.options);
    let series = family.series.get(labels);
    if (!series) {
      series = newSeries(family, labels);
      family.series.set(labels, series);
    }
    const stream: Stream = {
      series,
      resource,
      scale: target.scale,
      value: 0,
      histogram: undefined,
      endMs: -Infinity,
      updatedAt: now,
    };
    series.streams.push(stream);
    if (resource.streams++ === 0) this.resources.set(resource.key, resource);
    return stream;
  }

  private retire(stream: Stream, mkey: string, akey: string): void {
    const streams = this.streams.get(mkey);
    if (streams) {
      streams.delete(akey);
      if (streams.size === 0) this.streams.delete(mkey);
    }
    const series = stream.series;
    if (retireStream(stream)) {
      const family = series.family;
      family.series.delete(series.labels);
      if (family.series.size === 0) this.families.delete(family.name);
    }
    const resource = stream.resource;
    if (--resource.streams === 0) this.resources.delete(resource.key);
  }
}

type HistogramValue = Parameters<typeof applyHistogram>[1];

interface DataPointLike {
  readonly attributes: Attributes;
  readonly endTime: HrTime;
  readonly value: unknown;
}

/** undefined for exponential histograms: the text format cannot carry them (native histograms only). */
function metricKind(metric: MetricData): OtelMetricKind | undefined {
  switch (metric.dataPointType) {
    case DataPointType.SUM:
      return metric.isMonotonic ? 'monotonic_sum' : 'sum';
    case DataPointType.GAUGE:
      return 'gauge';
    case DataPointType.HISTOGRAM:
      return 'histogram';
    default:
      return undefined;
  }
}

function endTimeMs(t: HrTime | undefined): number {
  return Array.isArray(t) ? hrTimeToMs(t) : 0;
}
