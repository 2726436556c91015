import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { MetricData, ResourceMetrics, ScopeMetrics } from '@opentelemetry/sdk-metrics';
import { metricKey, resourceKey, scopeKey } from './identity.js';

type AnyPoint = MetricData['dataPoints'][number];

interface MetricSlot {
  readonly key: string;
  /** The first metric seen under this key: its descriptor and type describe all the points. */
  readonly first: MetricData;
  points: AnyPoint[];
}

interface ScopeSlot {
  readonly key: string;
  readonly scope: InstrumentationScope;
  readonly metrics: MetricSlot[];
  readonly byKey: Map<string, MetricSlot>;
}

interface ResourceSlot {
  readonly key: string;
  readonly resource: Resource;
  readonly scopes: ScopeSlot[];
  readonly byKey: Map<string, ScopeSlot>;
}

/** A metric with other points. Every point under one key has the metric's own point type (same dataPointType). */
function withPoints(m: MetricData, points: AnyPoint[]): MetricData {
  return { ...m, dataPoints: points } as MetricData;
}

/**
 * Data points waiting to be sent, merged as they arrive: one resource per distinct resource, one scope per
 * distinct scope within it, one metric per name + unit + type within that, points in arrival order.
 * Incoming objects are never modified; only the containers are new.
 */
export class PendingBatch {
  private readonly resources: ResourceSlot[] = [];
  private readonly byKey = new Map<string, ResourceSlot>();
  private count = 0;

  /** Data points held. */
  get points(): number {
    return this.count;
  }

  add(resourceMetrics: readonly ResourceMetrics[]): void {
    for (const rm of resourceMetrics) {
      let r: ResourceSlot | undefined;
      for (const sm of rm.scopeMetrics) {
        let s: ScopeSlot | undefined;
        for (const m of sm.metrics) {
          if (m.dataPoints.length === 0) continue; // nothing to send
          r ??= this.resourceSlot(rm.resource);
          s ??= scopeSlot(r, sm.scope);
          const key = metricKey(m);
          const slot = s.byKey.get(key);
          if (slot === undefined) {
            const fresh: MetricSlot = { key, first: m, points: (m.dataPoints as AnyPoint[]).slice() };
            s.byKey.set(key, fresh);
            s.metrics.push(fresh);
          } else {
            for (const p of m.dataPoints) slot.points.push(p);
          }
          this.count += m.dataPoints.length;
        }
      }
    }
  }

  /** Removes and returns up to `max` data points, oldest first, split inside a metric if need be. */
  take(max: number): ResourceMetrics[] {
    const out: ResourceMetrics[] = [];
    let budget = max;
    let taken = 0;
    let doneResources = 0;
    for (const r of this.resources) {
      if (budget <= 0) break;
      const scopes: ScopeMetrics[] = [];
      let doneScopes = 0;
      for (const s of r.scopes) {
        if (budget <= 0) break;
        const metrics: MetricData[] = [];
        let doneMetrics = 0;
        for (const slot of s.metrics) {
          if (budget <= 0) break;
          if (slot.points.length <= budget) {
            metrics.push(withPoints(slot.first, slot.points));
            budget -= slot.points.length;
            taken += slot.points.length;
            s.byKey.delete(slot.key);
            doneMetrics++;
          } else {
            metrics.push(withPoints(slot.first, slot.points.slice(0, budget)));
            slot.points = slot.points.slice(budget);
            taken += budget;
            budget = 0;
          }
        }
        s.metrics.splice(0, doneMetrics);
        scopes.push({ scope: s.scope, metrics });
        if (s.metrics.length === 0) {
          r.byKey.delete(s.key);
          doneScopes++;
        }
      }
      r.scopes.splice(0, doneScopes);
      out.push({ resource: r.resource, scopeMetrics: scopes });
      if (r.scopes.length === 0) {
        this.byKey.delete(r.key);
        doneResources++;
      }
    }
    this.resources.splice(0, doneResources);
    this.count -= taken;
    return out;
  }

  private resourceSlot(resource: Resource): ResourceSlot {
    const key = resourceKey(resource);
    let r = this.byKey.get(key);
    if (r === undefined) {
      r = { key, resource, scopes: [], byKey: new Map() };
      this.byKey.set(key, r);
      this.resources.push(r);
    }
    return r;
  }
}

function scopeSlot(r: ResourceSlot, scope: InstrumentationScope): ScopeSlot {
  const key = scopeKey(scope);
  let s = r.byKey.get(key);
  if (s === undefined) {
    s = { key, scope, metrics: [], byKey: new Map() };
    r.byKey.set(key, s);
    r.scopes.push(s);
  }
  return s;
}
