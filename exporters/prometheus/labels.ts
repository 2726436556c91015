import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { sanitizeLabelName } from './naming.js';

/**
 * Labels of a series, built once when the series is created and kept as the exposition text
 * (`a="1",b="x"`), so a scrape only concatenates.
 */

/** Label name → value, in output order. Setting an existing name keeps its place. */
export type LabelMap = Map<string, string>;

/** Non-string attribute values as the attribute spec writes them: numbers/booleans as text, arrays as JSON. */
export function attributeText(v: AttributeValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

const NAME_CACHE_LIMIT = 10_000;
/** Cached as '' when the key has no label name (no label name is ''). */
const labelNames = new Map<string, string>();

/** Attribute keys repeat endlessly and are few: sanitise each once. */
function labelName(key: string): string | undefined {
  let name = labelNames.get(key);
  if (name === undefined) {
    name = sanitizeLabelName(key) ?? '';
    if (labelNames.size < NAME_CACHE_LIMIT) labelNames.set(key, name);
  }
  return name === '' ? undefined : name;
}

/** Told of each attribute left out because its key has no label name (the exporter counts and logs it). */
export type DroppedAttribute = (key: string) => void;

/**
 * Attributes → labels. Keys that sanitise to the same name have their values joined with `;` in the
 * lexicographic order of the original keys (the spec's collision rule). `shadow` attributes (resource
 * attributes under resource_to_telemetry_conversion) only count where `attrs` lacks the same key. A key
 * with no label name (`""`, `"."`, all non-Latin) is left out and reported, as Prometheus' OTLP
 * translator refuses it; the series keeps its other labels.
 */
export function attributeLabels(attrs: Attributes, shadow?: Attributes, dropped?: DroppedAttribute): LabelMap {
  const keys = Object.keys(attrs);
  if (shadow) for (const k of Object.keys(shadow)) if (!(k in attrs)) keys.push(k);
  keys.sort();
  const out: LabelMap = new Map();
  for (const k of keys) {
    const v = k in attrs ? attrs[k] : shadow?.[k];
    if (v === undefined || v === null) continue;
    const name = labelName(k);
    if (name === undefined) {
      dropped?.(k);
      continue;
    }
    const text = attributeText(v);
    const prev = out.get(name);
    out.set(name, prev === undefined ? text : `${prev};${text}`);
  }
  return out;
}

export function escapeLabelValue(v: string): string {
  return /[\\\n"]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : v;
}

/** `name="value",…` without braces; '' for no labels. */
export function labelText(labels: LabelMap): string {
  let s = '';
  for (const [name, value] of labels) s += `${s === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
  return s;
}
