/**
 * Prometheus text exposition format 0.0.4, written here rather than by wrapping
 * `@opentelemetry/exporter-prometheus`' `PrometheusSerializer`. The serializer takes one ResourceMetrics
 * per call, so families spread over several resources would repeat `# HELP`/`# TYPE` (a parse error for
 * Prometheus and promtool); it adds no unit suffixes and no `;` label merging, cannot sum several streams
 * into one Kong series, and re-escapes every label on every scrape. Here each series' label text is
 * built once when the series is created, and a scrape only concatenates: 10 000 series render in a few
 * milliseconds (see the render test's log line).
 */
import type { ResourceEntry } from './resource_entry.js';
import { counterValue, gaugeValue, seriesHistogram, type Family } from './series.js';
import { formatNumber } from './stream.js';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function escapeHelp(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : help;
}

export function renderExposition(families: ReadonlyMap<string, Family>, targetInfo: Iterable<ResourceEntry> | undefined): string {
  // One growing string: V8 concatenates ropes cheaply and flattens once when the body is encoded,
  // about twice as fast as collecting lines in an array and joining them.
  let out = targetInfo ? renderTargetInfo(targetInfo) : '';
  const names = [...families.keys()].sort();
  for (const name of names) {
    const family = families.get(name);
    if (!family || family.series.size === 0) continue;
    out += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${family.type}\n`;
    if (family.type === 'histogram') {
      out += renderHistogram(family);
      continue;
    }
    const counter = family.type === 'counter';
    const bare = `${name} `;
    const open = `${name}{`;
    for (const series of family.series.values()) {
      const v = formatNumber(counter ? counterValue(series) : gaugeValue(series));
      out += series.labels === '' ? bare + v + '\n' : open + series.labels + '} ' + v + '\n';
    }
  }
  return out;
}

function renderHistogram(family: Family): string {
  const name = family.name;
  let out = '';
  for (const series of family.series.values()) {
    const h = seriesHistogram(series);
    if (!h) continue;
    const labels = series.labels;
    const bucket = labels === '' ? `${name}_bucket{le="` : `${name}_bucket{${labels},le="`;
    const tail = labels === '' ? ' ' : `{${labels}} `;
    let cumulative = 0;
    for (let i = 0; i < h.le.length; i++) {
      cumulative += h.counts[i];
      out += bucket + h.le[i] + '"} ' + formatNumber(cumulative) + '\n';
    }
    const count = formatNumber(h.count);
    out += bucket + '+Inf"} ' + count + '\n' + name + '_sum' + tail + formatNumber(h.sum) + '\n' + name + '_count' + tail + count + '\n';
  }
  return out;
}

/** One `target_info` sample per distinct resource (the spec: at most one per job + instance). */
function renderTargetInfo(resources: Iterable<ResourceEntry>): string {
  const seen = new Set<string>();
  let out = '';
  for (const r of resources) {
    if (r.targetInfo === undefined || seen.has(r.targetKey)) continue;
    if (seen.size === 0) out += '# HELP target_info Target metadata\n# TYPE target_info gauge\n';
    seen.add(r.targetKey);
    out += r.targetInfo === '' ? 'target_info 1\n' : `target_info{${r.targetInfo}} 1\n`;
  }
  return out;
}
