import { benchCumulativeToDelta } from './cumulativetodelta.js';
import { benchDurable } from './durable.js';
import type { BenchLine } from './bench_line.js';
import { benchHttpLog } from './http_log.js';
import { benchKongMetrics } from './kong_metrics.js';
import { benchKongMetricsSeries } from './kong_metrics_series.js';
import { benchLineReceivers } from './line_receivers.js';
import { benchOtlpEncode } from './otlp_encode.js';
import { benchPrometheusExporter } from './prometheus_exporter.js';
import { benchPersistentQueue } from './persistent_queue.js';
import { benchPrometheusScrape } from './prometheus_scrape.js';

/**
 * `npm run bench`: prints figures, one per line. Not a test: it asserts nothing and fails only when a
 * benchmark cannot run. `npm run bench -- <word>` runs only the sections whose title holds the word;
 * `--suite scale` runs the scale suite (workers, series, replicas: minutes, not seconds) instead of the
 * default one, `--suite all` both.
 */
type Section = [title: string, run: () => Promise<readonly BenchLine[]>];

const sections: Section[] = [
  ['http-log ingest (issue 2)', benchHttpLog],
  ['kong_metrics aggregation (issue 2)', benchKongMetrics],
  ['kong_metrics series sizing (issue 9)', benchKongMetricsSeries],
  ['cumulativetodelta (issue 3)', benchCumulativeToDelta],
  ['OTLP encode + gzip (issue 3)', benchOtlpEncode],
  ['prometheus scrape + parse + map (issue 4)', benchPrometheusScrape],
  ['tcp-log / file-log ingest (issue 4)', benchLineReceivers],
  ['durable mode cost (issue 5)', benchDurable],
  ['prometheus exporter: big pages, series budget (issue 9)', benchPrometheusExporter],
  ['persistent queue after a long outage (issue 9)', benchPersistentQueue],
];

/** `--suite scale` (issue 13). */
const scaleSections: Section[] = [];

function format(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(Math.abs(v) >= 10 ? 1 : 3);
}

const args = process.argv.slice(2);
const suiteAt = args.indexOf('--suite');
const suite = suiteAt >= 0 ? args.splice(suiteAt, 2)[1] : 'default';
const suites: Record<string, Section[]> = { default: sections, scale: scaleSections, all: [...sections, ...scaleSections] };
const chosen = suite === undefined ? undefined : suites[suite];
if (chosen === undefined) {
  process.stderr.write(`--suite: expected one of ${Object.keys(suites).join(', ')}, got ${suite ?? 'nothing'}\n`);
  process.exit(2);
}
const only = args[0];
for (const [title, run] of chosen) {
  if (only && !title.includes(only)) continue;
  process.stdout.write(`\n## ${title}\n`);
  for (const line of await run()) process.stdout.write(`${line.name.padEnd(64)} ${format(line.value).padStart(14)} ${line.unit}\n`);
}
