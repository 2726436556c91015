/**
 * Prometheus text exposition format 0.0.4, written here rather than by wrapping
 * `@opentelemetry/exporter-prometheus`' `PrometheusSerializer`. The serializer takes one ResourceMetrics
 * per call, so families spread over several resources would repeat `# HELP`/`# TYPE` (a parse error for
 * Prometheus and promtool); it adds no unit suffixes and no `;` label merging, cannot sum several streams
 * into one Kong series, and re-escapes every label on every scrape. Here each series' label text is
 * built once when the series is created, and a scrape only concatenates.
 *
 * The page comes out in chunks of about CHUNK_CHARS characters, never as one string: the HTTP side
 * writes each chunk and yields to the event loop before asking for the next, so ingestion goes on
 * while a page of a million series streams out, and no page size can exceed V8's string limit.
 */
import type { ResourceEntry } from './resource_entry.js';
import { counterValue, gaugeValue, seriesHistogram, type Family, type OutputHistogram } from './series.js';
import { formatNumber } from './stream.js';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** ~64 KiB: well under a millisecond to build, large enough that per-chunk costs do not show. */
export const CHUNK_CHARS = 64 * 1024;

/**
 * What one scrape shows. `families` is the family order taken when the scrape started; `seq` is the
 * store's creation sequence then. Only families, series and resources numbered up to `seq` are written,
 * so the page holds what existed at the start and still exists when its turn comes: a series created
 * mid-scrape waits for the next scrape (it cannot appear twice, or in a family whose header was
 * written without it), a series removed mid-scrape is simply left out. Each series is written in one
 * synchronous step, so its lines (a histogram's buckets, sum and count) always agree with each other;
 * values of different series may be read a few milliseconds apart, as with any client library that
 * collects while the process keeps running.
 */
export interface PageSnapshot {
  readonly families: readonly Family[];
  readonly resources: Iterable<ResourceEntry> | undefined;
  readonly seq: number;
}

function escapeHelp(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : help;
}

export function* exposition(page: PageSnapshot, chunkChars = CHUNK_CHARS): Generator<string, void, undefined> {
  // One growing string per chunk: V8 concatenates ropes cheaply and flattens once when it is encoded.
  let out = '';
  if (page.resources) {
    const seen = new Set<string>();
    for (const r of page.resources) {
      if (r.seq > page.seq || r.targetInfo === undefined || seen.has(r.targetKey)) continue;
      // The spec allows one target_info per job + instance: resources sharing both show the first one's.
      if (seen.size === 0) out += '# HELP target_info Target metadata\n# TYPE target_info gauge\n';
      seen.add(r.targetKey);
      out += r.targetInfo === '' ? 'target_info 1\n' : `target_info{${r.targetInfo}} 1\n`;
      if (out.length >= chunkChars) {
        yield out;
        out = '';
      }
    }
  }
  for (const family of page.families) {
    if (family.seq > page.seq) continue;
    const name = family.name;
    const header = `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${family.type}\n`;
    let headed = false;
    const histogram = family.type === 'histogram';
    const counter = family.type === 'counter';
    for (const series of family.series.values()) {
      if (series.seq > page.seq) continue;
      const h = histogram ? seriesHistogram(series) : undefined;
      if (histogram && h === undefined) continue;
      if (!headed) {
        out += header;
        headed = true;
      }
      if (h !== undefined) out = appendHistogram(out, name, series.labels, h);
      else {
        const v = formatNumber(counter ? counterValue(series) : gaugeValue(series));
        out += series.labels === '' ? name + ' ' + v + '\n' : name + '{' + series.labels + '} ' + v + '\n';
      }
      if (out.length >= chunkChars) {
        yield out;
        out = '';
      }
    }
  }
  if (out !== '') yield out;
}

/** The whole page as one string: for tests and small pages only; `/metrics` streams the chunks. */
export function renderText(page: PageSnapshot): string {
  let text = '';
  for (const chunk of exposition(page)) text += chunk;
  return text;
}

function appendHistogram(out: string, name: string, labels: string, h: OutputHistogram): string {
  const bucket = labels === '' ? `${name}_bucket{le="` : `${name}_bucket{${labels},le="`;
  const tail = labels === '' ? ' ' : `{${labels}} `;
  let cumulative = 0;
  for (let i = 0; i < h.le.length; i++) {
    cumulative += h.counts[i];
    out += bucket + h.le[i] + '"} ' + formatNumber(cumulative) + '\n';
  }
  const count = formatNumber(h.count);
  return out + bucket + '+Inf"} ' + count + '\n' + name + '_sum' + tail + formatNumber(h.sum) + '\n' + name + '_count' + tail + count + '\n';
}
