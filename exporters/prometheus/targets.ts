import type { Attributes } from '@opentelemetry/api';
import { DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';
import { KONG_PLUGIN_FAMILY_BY_NAME } from '../../core/kong/plugin_families.js';
import { KONG_RULE_BY_INSTRUMENT, type KongFamilyRule, type KongLabelRule } from '../../core/kong/prometheus_names.js';
import { attributeLabels, attributeText, labelText, type DroppedAttribute, type LabelMap } from './labels.js';
import { prometheusMetricName, type OtelMetricKind } from './naming.js';
import type { ResourceEntry } from './resource_entry.js';
import type { FamilyType } from './series.js';

/** Where the points of one metric go: the family, and how a point's attributes become its labels. */
export interface MetricTarget {
  readonly family: string;
  readonly type: FamilyType;
  readonly help: string;
  /** Input unit → output unit factor (1000 for Kong's millisecond histograms). */
  readonly scale: number;
  /** Set when the family is a Kong Prometheus-plugin family (`naming: kong`). */
  readonly kong: KongFamilyRule | undefined;
}

export interface TargetOptions {
  readonly naming: 'otel' | 'kong';
  readonly namespace: string;
  readonly addSuffixes: boolean;
  readonly resourceToTelemetry: boolean;
  readonly constLabels: Readonly<Record<string, string>>;
  readonly withoutScopeInfo: boolean;
  /** Told of each attribute left off a series because its key has no label name. */
  readonly droppedAttribute?: DroppedAttribute;
}

const FAMILY_TYPE: Readonly<Record<OtelMetricKind, FamilyType>> = {
  gauge: 'gauge',
  // An up-down sum can go down: Prometheus has no such counter.
  sum: 'gauge',
  monotonic_sum: 'counter',
  histogram: 'histogram',
};

export function resolveTarget(
  name: string,
  unit: string,
  description: string,
  kind: OtelMetricKind,
  opts: TargetOptions,
): MetricTarget | undefined {
  if (opts.naming === 'kong') {
    // Already Kong's family (kong_metrics' `naming: kong`, or a scraped Kong page): its name as Kong
    // prints it, which the suffix rules would change (`kong_bandwidth_bytes` is a counter without `_total`),
    // and Kong's whole label set in Kong's order, `""` where the attribute was left off as empty.
    const own = OWN_RULES.get(name);
    if (own !== undefined && FAMILY_TYPE[kind] === own.type) {
      const family = opts.namespace === '' ? own.family : `${opts.namespace}_${own.family}`;
      return { family, type: own.type, help: description.trim() === '' ? own.help : description, scale: 1, kong: own };
    }
    const rule = KONG_RULE_BY_INSTRUMENT.get(name);
    const scale = rule ? kongScale(rule, unit, kind) : undefined;
    if (rule && scale !== undefined) {
      const family = opts.namespace === '' ? rule.family : `${opts.namespace}_${rule.family}`;
      return { family, type: rule.type, help: rule.help, scale, kong: rule };
    }
  }
  // No Prometheus name (empty, or only `_`): the metric is dropped, as Prometheus' OTLP endpoint drops it.
  const family = prometheusMetricName(name, unit, kind, opts);
  if (family === undefined) return undefined;
  return {
    family,
    type: FAMILY_TYPE[kind],
    help: description.trim() === '' ? name : description,
    scale: 1,
    kong: undefined,
  };
}

/** Each Kong family read under its own name: each label from the attribute of the same name. */
const OWN_RULES: ReadonlyMap<string, KongFamilyRule> = new Map(
  [...KONG_PLUGIN_FAMILY_BY_NAME.values()].map((f) => [
    f.name,
    { instrument: f.name, family: f.name, type: f.type, unit: '', help: f.help, bounds: f.bounds, labels: f.labels.map((label) => ({ label, from: [label] })) },
  ]),
);

/**
 * Whether a histogram mapped onto a Kong family has Kong's bucket bounds (true for anything else): with
 * other bounds its percentiles are not those Kong's plugin would give.
 */
export function hasKongBounds(target: MetricTarget, metric: MetricData): boolean {
  const kong = target.kong?.bounds;
  if (kong === undefined || metric.dataPointType !== DataPointType.HISTOGRAM) return true;
  const bounds = metric.dataPoints[0]?.value.buckets.boundaries;
  if (bounds === undefined) return true;
  return bounds.length === kong.length && bounds.every((b, i) => Math.abs(b * target.scale - kong[i]) <= 1e-9 * kong[i]);
}

/** undefined when the instrument does not have the shape the Kong family needs (it then keeps its OTel name). */
function kongScale(rule: KongFamilyRule, unit: string, kind: OtelMetricKind): number | undefined {
  if (rule.type === 'gauge') return kind === 'gauge' || kind === 'sum' ? 1 : undefined;
  if (rule.type === 'histogram') {
    if (kind !== 'histogram') return undefined;
    if (!rule.milliseconds) return 1;
    return unit === 's' ? 1000 : unit === 'ms' ? 1 : undefined;
  }
  return kind === 'monotonic_sum' || kind === 'histogram' ? 1 : undefined;
}

/**
 * The label text of the series a point belongs to. Precedence, lowest first: the point's attributes
 * (or Kong's labels) and, under resource_to_telemetry_conversion, the resource's; then const_labels
 * where the name is still free; then what the exporter owns (otel_scope_*, job, instance), which wins.
 */
export function seriesLabels(
  target: MetricTarget,
  attrs: Attributes,
  resource: ResourceEntry,
  scopeLabels: LabelMap,
  opts: TargetOptions,
): string {
  let labels: LabelMap;
  if (target.kong) {
    labels = new Map();
    for (const rule of target.kong.labels) labels.set(rule.label, kongLabelValue(rule, attrs));
    if (opts.resourceToTelemetry) {
      for (const [k, v] of attributeLabels(resource.attributes, undefined, opts.droppedAttribute)) if (!labels.has(k)) labels.set(k, v);
    }
  } else {
    labels = attributeLabels(attrs, opts.resourceToTelemetry ? resource.attributes : undefined, opts.droppedAttribute);
  }
  for (const k of Object.keys(opts.constLabels)) if (!labels.has(k)) labels.set(k, opts.constLabels[k]);
  if (target.type === 'histogram') labels.delete('le');
  for (const [k, v] of scopeLabels) labels.set(k, v);
  if (resource.job !== '') labels.set('job', resource.job);
  if (resource.instance !== '') labels.set('instance', resource.instance);
  return labelText(labels);
}

function kongLabelValue(rule: KongLabelRule, attrs: Attributes): string {
  if (rule.fixed !== undefined) return rule.fixed;
  for (const key of rule.from ?? []) {
    const v = attrs[key];
    if (v === undefined || v === null) continue;
    const text = attributeText(v);
    return rule.values?.[text] ?? text;
  }
  return '';
}

/** `otel_scope_name` / `otel_scope_version` / `otel_scope_schema_url` of one scope (empty ones left out). */
export function scopeLabels(name: string, version: string | undefined, schemaUrl: string | undefined, opts: TargetOptions): LabelMap {
  const labels: LabelMap = new Map();
  if (opts.withoutScopeInfo) return labels;
  if (name !== '') labels.set('otel_scope_name', name);
  if (version) labels.set('otel_scope_version', version);
  if (schemaUrl) labels.set('otel_scope_schema_url', schemaUrl);
  return labels;
}
