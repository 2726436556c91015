import { benchHttpLog, type BenchLine } from './http_log.js';

/**
 * `npm run bench`: prints figures, one per line. Not a test: it asserts nothing and fails only when a
 * benchmark cannot run. Each section is a module that returns its lines.
 */
type Section = [string, () => Promise<BenchLine[]>];

const sections: Section[] = [['http-log ingest (issue 2)', benchHttpLog]];

async function optional(path: string, fn: string, title: string): Promise<void> {
  try {
    const mod = (await import(path)) as Record<string, () => Promise<BenchLine[]>>;
    if (typeof mod[fn] === 'function') sections.push([title, mod[fn]]);
  } catch {
    // that component's benchmark is not built into this tree
  }
}

function format(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  return v.toFixed(Math.abs(v) >= 10 ? 1 : 3);
}

const only = process.argv[2];
await optional('./kong_metrics.js', 'benchKongMetrics', 'kong_metrics aggregation');
await optional('./cumulativetodelta.js', 'benchCumulativeToDelta', 'cumulativetodelta (issue 3)');
await optional('./prometheus_scrape.js', 'benchPrometheusScrape', 'prometheus scrape + parse + map (issue 4)');
await optional('./line_receivers.js', 'benchLineReceivers', 'tcp-log / file-log ingest (issue 4)');
await optional('./otlp_encode.js', 'benchOtlpEncode', 'OTLP encode + gzip (issue 3)');
for (const [title, run] of sections) {
  if (only && !title.includes(only)) continue;
  process.stdout.write(`\n## ${title}\n`);
  for (const line of await run()) process.stdout.write(`${line.name.padEnd(64)} ${format(line.value).padStart(14)} ${line.unit}\n`);
}
