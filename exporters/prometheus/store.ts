import type { Attributes, HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { hasNoRecordedValue, hrTimeToMs } from '../../core/index.js';
import { attributesKey, flat, metricKey, wellFormed } from './identity.js';
import type { LabelMap } from './labels.js';
import type { OtelMetricKind } from './naming.js';
import { resourceEntry, type ResourceEntry } from './resource_entry.js';
import { Recency } from './recency.js';
import { newSeries, retireStream, type Family } from './series.js';
import { applyHistogram, applyNumber, type ApplyResult, type MetricStreams, type Stream } from './stream.js';
import { hasKongBounds, resolveTarget, scopeLabels, seriesLabels, type MetricTarget, type TargetOptions } from './targets.js';

/**
 * The exporter's state: every stream's cumulative value, and the families and series a scrape renders.
 * `consume` is the hot path and reads top to bottom: resource key once per resource, metric key and
 * target once per metric, one attribute key per point, then a plain update of the stream.
 *
 * Everything held is bounded by `maxStreams`: each stream counts one and so does each resource (its
 * target_info series); families and series are never more than streams, resources never more than
 * streams, and the per-name target cache is capped on its own. Past the budget a new stream is not
 * created (its points are dropped and counted, and nothing of it is remembered), while the streams
 * already held go on being updated exactly, as the Collector's deltatocumulative `max_streams` does.
 */

export type DropReason = 'exponential_histogram' | 'type_conflict' | 'out_of_order' | 'invalid_point' | 'invalid_name' | 'max_streams';

/** Metric name → target is a cache (cheap to rebuild); cleared when it reaches this size. */
const TARGET_CACHE_LIMIT = 4096;
/** Expired streams retired at most per refused point when the store is full. */
const SWEEP_WHEN_FULL = 1000;

/** How the store reports what it could not keep (the exporter counts and logs it). */
export interface StoreEvents {
  dropped(reason: DropReason, metric: string, points: number): void;
  /** A delta histogram changed its bucket layout: its series started over. */
  layoutReset(metric: string): void;
  /** `naming: kong` maps an OTel histogram onto a Kong family whose bounds differ from Kong's. */
  notKongBounds?(family: string, metric: string): void;
}

export interface StoreOptions extends TargetOptions {
  readonly withoutTargetInfo: boolean;
  /** The budget: streams + resources held. */
  readonly maxStreams: number;
  /** metric_expiration in ms (0 = never): a full store frees expired places before refusing a stream. */
  readonly expirationMs: number;
}

/** Sizes of what the store holds (self-telemetry and tests). */
export interface StoreSizes {
  readonly streams: number;
  readonly resources: number;
  readonly families: number;
  readonly series: number;
  readonly cachedTargets: number;
}

export class SeriesStore {
  /** metric key (resource + scope + metric) → its streams. */
  private readonly streams = new Map<string, MetricStreams>();
  readonly families = new Map<string, Family>();
  /** Resources with live streams, for target_info. */
  readonly resources = new Map<string, ResourceEntry>();
  private readonly resourceKeys = new WeakMap<Resource, string>();
  /** null: the metric has no Prometheus name. */
  private readonly targets = new Map<string, MetricTarget | null>();
  private readonly recency = new Recency();
  private streamTotal = 0;
  private seriesTotal = 0;
  /** Creation sequence of families, series and resource entries (see Family.seq). */
  private seqCounter = 0;
  /** Bumped whenever a family is added or removed, so a scrape can reuse the last family order. */
  private familyVersion = 0;

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
          let owner = this.streams.get(mkey);
          let overflow = 0;
          for (const point of metric.dataPoints as readonly DataPointLike[]) {
            const akey = attributesKey(point.attributes);
            let stream = owner?.byAttributes.get(akey);
            if (hasNoRecordedValue(point)) {
              // The source says the stream ended (OTLP's staleness marker).
              if (stream) this.retire(stream);
              continue;
            }
            const created = stream === undefined;
            if (!stream) {
              if (!this.admits(resource, now)) {
                overflow++;
                continue;
              }
              scope ??= scopeLabels(sm.scope.name, sm.scope.version, sm.scope.schemaUrl, this.options);
              owner = this.ownerFor(mkey, owner);
              stream = this.createStream(target, point.attributes, resource, scope, owner, akey, now);
              if (!stream) {
                this.events.dropped('type_conflict', name, 1);
                continue;
              }
              owner.byAttributes.set(stream.attributesKey, stream);
              if (owner.byAttributes.size === 1) this.streams.set(owner.key, owner);
            }
            const endMs = endTimeMs(point.endTime);
            const result: ApplyResult =
              kind === 'histogram'
                ? applyHistogram(stream, point.value as HistogramValue, delta, endMs)
                : applyNumber(stream, point.value as number, delta, endMs);
            if (result === 'ok' || result === 'reset') {
              stream.updatedAt = now;
              this.recency.touch(stream);
              kept++;
              if (result === 'reset') this.events.layoutReset(name);
            } else {
              if (created) this.retire(stream);
              this.events.dropped(result, name, 1);
            }
          }
          if (overflow > 0) this.events.dropped('max_streams', name, overflow);
        }
      }
    }
    return kept;
  }

  /**
   * Drops streams not updated for more than `expirationMs`, at most `limit` of them (so a caller can
   * spread a mass expiry over several turns of the event loop); returns how many.
   */
  sweep(now: number, expirationMs: number, limit = Infinity): number {
    if (expirationMs <= 0) return 0;
    let expired = 0;
    for (let s = this.recency.oldest; s !== undefined && expired < limit && now - s.updatedAt > expirationMs; s = this.recency.oldest) {
      this.retire(s);
      expired++;
    }
    return expired;
  }

  get streamCount(): number {
    return this.streamTotal;
  }

  /** What counts against the budget: streams + resources. */
  get heldCount(): number {
    return this.streamTotal + this.resources.size;
  }

  get sizes(): StoreSizes {
    return {
      streams: this.streamTotal,
      resources: this.resources.size,
      families: this.families.size,
      series: this.seriesTotal,
      cachedTargets: this.targets.size,
    };
  }

  /** Changes whenever a family is added or removed. */
  get familiesVersion(): number {
    return this.familyVersion;
  }

  /** The newest creation sequence number: a scrape that starts now shows what is numbered up to it. */
  get seq(): number {
    return this.seqCounter;
  }

  /** Whether a new stream of this resource fits the budget (a resource not held yet needs a place too). */
  private admits(resource: ResourceEntry, now: number): boolean {
    if (this.fits(resource)) return true;
    // Expired streams would go at the next scrape or sweep anyway: their places are free now. When
    // none has expired this looks at the oldest stream only.
    const expiration = this.options.expirationMs;
    return expiration > 0 && this.sweep(now, expiration, SWEEP_WHEN_FULL) > 0 && this.fits(resource);
  }

  /** The metric's streams: `current` unless a retire in this batch (an ended or invalid stream, a sweep) unregistered it. */
  private ownerFor(mkey: string, current: MetricStreams | undefined): MetricStreams {
    if (current !== undefined && this.streams.get(current.key) === current) return current;
    return this.streams.get(mkey) ?? { key: flat(mkey), byAttributes: new Map() };
  }

  private fits(resource: ResourceEntry): boolean {
    return this.heldCount + (resource.streams === 0 ? 2 : 1) <= this.options.maxStreams;
  }

  private resourceFor(resource: Resource): ResourceEntry {
    let key = this.resourceKeys.get(resource);
    if (key === undefined) {
      key = flat(attributesKey(resource.attributes));
      this.resourceKeys.set(resource, key);
    }
    return this.resources.get(key) ?? resourceEntry(key, resource.attributes, this.options.droppedAttribute);
  }

  private targetFor(metric: MetricData, kind: OtelMetricKind, unit: string): MetricTarget | undefined {
    const key = `${metric.descriptor.name}\u0000${unit}\u0000${kind}`;
    let target = this.targets.get(key);
    if (target === undefined) {
      target = resolveTarget(metric.descriptor.name, unit, metric.descriptor.description ?? '', kind, this.options) ?? null;
      if (target !== null && !hasKongBounds(target, metric)) this.events.notKongBounds?.(target.family, metric.descriptor.name);
      if (this.targets.size >= TARGET_CACHE_LIMIT) this.targets.clear();
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
    owner: MetricStreams,
    attributesKey: string,
    now: number,
  ): Stream | undefined {
    if (target.family === 'target_info' && !this.options.withoutTargetInfo) return undefined;
    let family = this.families.get(target.family);
    if (!family) {
      family = { seq: ++this.seqCounter, name: target.family, type: target.type, help: target.help, series: new Map() };
      this.families.set(family.name, family);
      this.familyVersion++;
    } else if (family.type !== target.type) {
      return undefined;
    }
    const labels = flat(wellFormed(seriesLabels(target, attrs, resource, scope, this.options)));
    let series = family.series.get(labels);
    if (!series) {
      series = newSeries(family, labels, ++this.seqCounter);
      family.series.set(labels, series);
      this.seriesTotal++;
    }
    const stream: Stream = {
      series,
      resource,
      owner,
      attributesKey: flat(attributesKey),
      scale: target.scale,
      value: 0,
      histogram: undefined,
      endMs: -Infinity,
      updatedAt: now,
      older: undefined,
      newer: undefined,
    };
    series.streams.push(stream);
    this.recency.append(stream);
    this.streamTotal++;
    if (resource.streams++ === 0) {
      resource.seq = ++this.seqCounter;
      this.resources.set(resource.key, resource);
    }
    return stream;
  }

  private retire(stream: Stream): void {
    const owner = stream.owner;
    owner.byAttributes.delete(stream.attributesKey);
    if (owner.byAttributes.size === 0 && this.streams.get(owner.key) === owner) this.streams.delete(owner.key);
    this.recency.remove(stream);
    this.streamTotal--;
    const series = stream.series;
    if (retireStream(stream)) {
      const family = series.family;
      family.series.delete(series.labels);
      this.seriesTotal--;
      if (family.series.size === 0) {
        this.families.delete(family.name);
        this.familyVersion++;
      }
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
