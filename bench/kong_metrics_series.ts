import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchLine } from './bench_line.js';
import { freePort } from '../test/support/ports.js';
import { DIST, rssMiB, waitHttp } from './processes.js';

/**
 * What kong_metrics' series cost (processors/kong_metrics/README.md, "Sizing"): the real `kongtel`,
 * http-log → kong_metrics → prometheus exporter, fed plain entries with one distinct route each (six
 * series per route: three latencies, two sizes, the request count). For N series it prints the process'
 * RSS, the `/metrics` page size and how long one scrape took, with the limits raised so all N are kept:
 * short names as Kong deployments use them, then 256-character names (what a hostile client sends; the
 * longest value kept). Last, a flood of hostile entries against the default limits: what the budget
 * holds the page and the memory to.
 */

const SERIES_PER_ROUTE = 6;
const ENTRIES_PER_BODY = 500;

interface Run {
  readonly series: number;
  readonly pageBytes: number;
  readonly scrapeMs: number;
  readonly rssMiB: number;
}

function config(ports: { log: number; prom: number; self: number; health: number }, limits: string): string {
  return `receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${ports.log}
processors:
  kong_metrics:
    interval: 500ms
${limits}exporters:
  prometheus:
    endpoint: 127.0.0.1:${ports.prom}
    metric_expiration: 0
extensions:
  health_check:
    endpoint: 127.0.0.1:${ports.health}
service:
  extensions: [health_check]
  telemetry:
    logs: { level: error }
    metrics: { address: 127.0.0.1:${ports.self} }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [prometheus]
`;
}

function entry(i: number, name: (kind: string, i: number) => string): Record<string, unknown> {
  return {
    request: { method: 'GET', uri: '/orders', size: 100 + (i % 900) },
    response: { status: 200, size: 1000 + (i % 9000) },
    latencies: { request: 5 + (i % 200), kong: 1 + (i % 5), proxy: 4 + (i % 190) },
    service: { name: name('service', i) },
    route: { name: name('route', i) },
    consumer: { username: name('consumer', i) },
    workspace_name: 'default',
    source: 'upstream',
  };
}

async function post(port: number, entries: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < entries.length; i += ENTRIES_PER_BODY) {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(entries.slice(i, i + ENTRIES_PER_BODY)),
    });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`http-log answered ${res.status}`);
  }
}

/** The value of an unlabelled-but-for-processor self-metric on kongtel's own /metrics. */
async function selfMetric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return Number(line?.slice(line.lastIndexOf(' ') + 1) ?? NaN);
}

/** One scrape, counted as it streams in (node:http: fetch gives up on a page that takes minutes). */
function scrape(port: number): Promise<{ bytes: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ bytes, ms: performance.now() - t0 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function run(routes: number, name: (kind: string, i: number) => string, limits: string): Promise<Run> {
  const ports = { log: await freePort(), prom: await freePort(), self: await freePort(), health: await freePort() };
  const dir = mkdtempSync(join(tmpdir(), 'kongtel-bench-series-'));
  const file = join(dir, 'pipelines.yaml');
  writeFileSync(file, config(ports, limits));
  const kongtel: ChildProcess = spawn(process.execPath, [join(DIST, 'cmd/kongtel.js'), '--config', file], { stdio: ['ignore', 'inherit', 'inherit'] });
  try {
    await waitHttp(`http://127.0.0.1:${ports.health}/`);
    await post(ports.log, Array.from({ length: routes }, (_, i) => entry(i, name)));
    // Two emissions later the exporter holds every series; the second scrape is the one measured.
    await new Promise((r) => setTimeout(r, 1_500));
    await scrape(ports.prom);
    const page = await scrape(ports.prom);
    const series = await selfMetric(ports.self, 'kongtel_processor_kong_metrics_series');
    return { series, pageBytes: page.bytes, scrapeMs: page.ms, rssMiB: rssMiB(kongtel.pid ?? 0).rss };
  } finally {
    kongtel.kill('SIGTERM');
    await new Promise((r) => kongtel.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const short = (kind: string, i: number): string => (kind === 'service' ? `svc-${i % 50}` : kind === 'route' ? `route-${i}` : `user-${i % 20}`);
const hostile = (kind: string, i: number): string => `${kind}-${i}-`.padEnd(256, 'x');
const UNLIMITED = '    max_series_per_metric: 10000000\n    max_series: 10000000\n';

function lines(label: string, r: Run): BenchLine[] {
  return [
    { name: `${label}: series held`, value: r.series, unit: 'series' },
    { name: `${label}: RSS`, value: r.rssMiB, unit: 'MiB' },
    { name: `${label}: /metrics page`, value: r.pageBytes / 2 ** 20, unit: 'MiB' },
    { name: `${label}: /metrics bytes per series`, value: r.pageBytes / Math.max(1, r.series), unit: 'B' },
    { name: `${label}: one scrape`, value: r.scrapeMs, unit: 'ms' },
  ];
}

export async function benchKongMetricsSeries(): Promise<BenchLine[]> {
  const out: BenchLine[] = [];
  out.push(...lines('no entries', await run(0, short, UNLIMITED)));
  for (const series of [1_200, 12_000, 30_000]) {
    out.push(...lines(`${series} series, short names`, await run(series / SERIES_PER_ROUTE, short, UNLIMITED)));
  }
  out.push(...lines('6000 series, 256-character names', await run(6_000 / SERIES_PER_ROUTE, hostile, UNLIMITED)));
  out.push(...lines('30000 hostile entries, default limits', await run(30_000, hostile, '')));
  return out;
}
