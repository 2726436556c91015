import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import { KONG_RULE_BY_FAMILY, type KongFamilyRule, type KongLabelRule } from '../../core/kong/prometheus_names.js';
import type { MetricBatch } from '../../core/index.js';

/**
 * Scraped Kong Prometheus-plugin series → the OTel instruments Kong's logs give (metric-mapping.md, last
 * table), so a team that scrapes Kong's `/metrics` gets the same names as one that sends logs. The table
 * is core's, shared with the prometheus exporter's `naming: kong`; this is its inverse. Runs once per
 * scrape (thousands of series a minute), not per log entry, so it favours plain code over speed tricks.
 *
 * It is the section of scraped Kong series, but it declares no `SectionDeclaration` (section.ts): it reads
 * no log-entry fields (nothing for the write-ahead log to store — scraped series are not logged), builds
 * no attribute sets and records into no instruments of its own; it renames finished points by core's
 * table (core/kong/prometheus_names.ts), which is the one list of its families, labels and instruments,
 * shared with the prometheus exporter's `naming: kong` so the two cannot drift apart. Its golden test is
 * test/processors/kong_metrics/scrape_mapping.test.ts.
 */

export interface ScrapeMappingOptions {
  /** Series with no Kong twin are dropped instead of passed through under their own names. */
  readonly dropUnmapped: boolean;
  /** Attribute names removed from mapped series (kong_metrics' `exclude_attributes`). */
  readonly excluded: ReadonlySet<string>;
}

export interface ScrapeMappingResult {
  readonly batch: MetricBatch;
  readonly mappedPoints: number;
  readonly droppedPoints: number;
}

/** Labels the table does not name but that Kong's plugin prints on some families. */
const EXTRA_LABELS: Readonly<Record<string, string>> = {
  request_mode: 'kong.gen_ai.request.mode',
  consumer: 'kong.auth.consumer.name',
};

/** Kong values the table's value maps do not list (EE 3.14.0.13 falls back to these token types). */
const EXTRA_VALUES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'gen_ai.token.type': { input_tokens: 'input', output_tokens: 'output' },
};

interface AttributeRule {
  readonly attribute: string;
  readonly values: Readonly<Record<string, string>>;
  readonly keepEmpty: boolean;
  readonly integer: boolean;
}

function inverse(label: KongLabelRule): AttributeRule | undefined {
  if (label.fixed !== undefined || !label.from?.length) return undefined;
  const attribute = label.from[0];
  const values: Record<string, string> = { ...EXTRA_VALUES[attribute] };
  for (const [otel, kong] of Object.entries(label.values ?? {})) values[kong] = otel;
  return { attribute, values, keepEmpty: label.keepEmpty === true, integer: attribute.endsWith('status_code') };
}

const LABEL_RULES = new Map<KongFamilyRule, ReadonlyMap<string, AttributeRule>>();
function labelRules(rule: KongFamilyRule): ReadonlyMap<string, AttributeRule> {
  let m = LABEL_RULES.get(rule);
  if (!m) {
    const rules = new Map<string, AttributeRule>();
    for (const label of rule.labels) {
      const r = inverse(label);
      if (r) rules.set(label.label, r);
    }
    m = rules;
    LABEL_RULES.set(rule, m);
  }
  return m;
}

/**
 * The rule for a scraped family name. Kong's docs print some families without the `kong_` prefix the
 * plugin adds, and the cache histograms without `_ms`; accept all of those spellings.
 */
export function kongRuleFor(name: string): KongFamilyRule | undefined {
  const n = name.endsWith('_bucket') ? name.slice(0, -'_bucket'.length) : name;
  return KONG_RULE_BY_FAMILY.get(n) ?? KONG_RULE_BY_FAMILY.get(`kong_${n}`) ?? KONG_RULE_BY_FAMILY.get(`${n}_ms`) ?? KONG_RULE_BY_FAMILY.get(`kong_${n}_ms`);
}

function shapeFits(rule: KongFamilyRule, m: MetricData): boolean {
  if (rule.type === 'histogram') return m.dataPointType === DataPointType.HISTOGRAM;
  if (rule.type === 'counter') return m.dataPointType === DataPointType.SUM && m.isMonotonic;
  return m.dataPointType === DataPointType.GAUGE || m.dataPointType === DataPointType.SUM;
}

function mapAttributes(rule: KongFamilyRule, attrs: Attributes, excluded: ReadonlySet<string>): Attributes {
  const rules = labelRules(rule);
  const out: Attributes = {};
  for (const [label, value] of Object.entries(attrs)) {
    const r = rules.get(label);
    const attribute = r?.attribute ?? EXTRA_LABELS[label] ?? label;
    if (excluded.has(attribute)) continue;
    if (typeof value !== 'string') {
      out[attribute] = value;
      continue;
    }
    if (value === '' && !r?.keepEmpty) continue;
    let v: string | number = r?.values[value] ?? value;
    if (attribute === 'kong.gen_ai.cache.status') v = value.toLowerCase();
    if (r?.integer && /^\d+$/.test(value)) v = Number(value);
    out[attribute] = v;
  }
  return out;
}

const scale = (h: Histogram, f: number): Histogram => ({
  buckets: { boundaries: h.buckets.boundaries.map((b) => b / f), counts: [...h.buckets.counts] },
  count: h.count,
  sum: h.sum === undefined ? undefined : h.sum / f,
  min: h.min === undefined ? undefined : h.min / f,
  max: h.max === undefined ? undefined : h.max / f,
});

function attributeKey(attrs: Attributes): string {
  return JSON.stringify(Object.keys(attrs).sort().map((k) => [k, attrs[k]]));
}

function earlier(a: HrTime, b: HrTime): HrTime {
  return a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]) ? a : b;
}
function later(a: HrTime, b: HrTime): HrTime {
  return earlier(a, b) === a ? b : a;
}

/**
 * Points whose attributes became equal (an excluded label, or two spellings of one family) are one
 * stream now: add them, as Prometheus' `sum without (…)` would.
 */
function mergePoints<T>(points: DataPoint<T>[], add: (a: T, b: T) => T): DataPoint<T>[] {
  const byKey = new Map<string, DataPoint<T>>();
  for (const p of points) {
    const key = attributeKey(p.attributes);
    const seen = byKey.get(key);
    byKey.set(
      key,
      seen
        ? { startTime: earlier(seen.startTime, p.startTime), endTime: later(seen.endTime, p.endTime), attributes: p.attributes, value: add(seen.value, p.value) }
        : p,
    );
  }
  return [...byKey.values()];
}

function addHistograms(a: Histogram, b: Histogram): Histogram {
  if (a.buckets.boundaries.join() !== b.buckets.boundaries.join()) return b;
  return {
    buckets: { boundaries: a.buckets.boundaries, counts: a.buckets.counts.map((c, i) => c + (b.buckets.counts[i] ?? 0)) },
    count: a.count + b.count,
    sum: a.sum === undefined || b.sum === undefined ? undefined : a.sum + b.sum,
  };
}

/**
 * Kong's full bucket layout when the scrape shows only its upper part (buckets below the first value Kong
 * observed were not printed before EE 3.14.0.9): the missing lower buckets held nothing, so they are 0.
 */
export function withKongBounds(h: Histogram, bounds: readonly number[] | undefined): Histogram {
  const have = h.buckets.boundaries;
  if (!bounds || have.length >= bounds.length || have.length === 0) return h;
  const offset = bounds.indexOf(have[0]);
  if (offset <= 0 || have.some((b, i) => bounds[offset + i] !== b)) return h;
  return {
    ...h,
    buckets: { boundaries: [...bounds.slice(0, offset), ...have], counts: [...new Array<number>(offset).fill(0), ...h.buckets.counts] },
  };
}

function mapMetric(rule: KongFamilyRule, m: MetricData, excluded: ReadonlySet<string>): MetricData {
  const descriptor = { ...m.descriptor, name: rule.instrument, unit: rule.unit, description: rule.help };
  if (m.dataPointType === DataPointType.HISTOGRAM) {
    const factor = rule.milliseconds ? 1000 : 1;
    const points = m.dataPoints.map((p) => ({
      ...p,
      attributes: mapAttributes(rule, p.attributes, excluded),
      value: scale(withKongBounds(p.value, rule.bounds), factor),
    }));
    return { ...m, descriptor, dataPoints: mergePoints(points, addHistograms) };
  }
  if (m.dataPointType === DataPointType.SUM || m.dataPointType === DataPointType.GAUGE) {
    const points = m.dataPoints.map((p) => ({ ...p, attributes: mapAttributes(rule, p.attributes, excluded) }));
    return { ...m, descriptor, dataPoints: mergePoints(points, (a: number, b: number) => a + b) };
  }
  return m;
}

export function mapScrapedKongSeries(batch: MetricBatch, opts: ScrapeMappingOptions): ScrapeMappingResult {
  let mappedPoints = 0;
  let droppedPoints = 0;
  let changed = false;
  const resourceMetrics: ResourceMetrics[] = batch.resourceMetrics.map((rm) => ({
    resource: rm.resource,
    scopeMetrics: rm.scopeMetrics.map((sm): ScopeMetrics => {
      const metrics: MetricData[] = [];
      for (const m of sm.metrics) {
        const rule = kongRuleFor(m.descriptor.name);
        if (rule && shapeFits(rule, m)) {
          metrics.push(mapMetric(rule, m, opts.excluded));
          mappedPoints += m.dataPoints.length;
          changed = true;
        } else if (opts.dropUnmapped) {
          droppedPoints += m.dataPoints.length;
          changed = true;
        } else {
          metrics.push(m);
        }
      }
      return { scope: sm.scope, metrics };
    }),
  }));
  // Nothing Kong-named (OTLP from Kong's own plugin, other sources): the very same batch goes on.
  if (!changed) return { batch, mappedPoints: 0, droppedPoints: 0 };
  return { batch: { ...batch, resourceMetrics }, mappedPoints, droppedPoints };
}
