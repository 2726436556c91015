import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { serialize } from '../../exporters/otlphttp/encode.js';
import { parseExposition } from '../../receivers/prometheus/parser.js';
import { resourceMetrics, sum } from '../exporters/prometheus/builders.js';
import { freePort, startKongtel, startPrometheus, tempDir, waitFor, type PrometheusServer, type RunningProcess } from '../helpers/processes.js';

/**
 * OTLP → prometheus exporter through the real CLI, as a careless or hostile client would feed it:
 * far more distinct attribute sets than the exporter's budget, and a page big enough that rendering it
 * in one go would hold every other request of the process for a long time.
 */

const running: { stop(signal?: NodeJS.Signals): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const p of running.splice(0).reverse()) await p.stop('SIGKILL');
});

interface Ports {
  otlp: number;
  prom: number;
  admin: number;
}

async function kongtel(exporterKeys: string): Promise<{ proc: RunningProcess; ports: Ports }> {
  const ports = { otlp: await freePort(), prom: await freePort(), admin: await freePort() };
  const health = await freePort();
  const proc = await startKongtel(
    `
receivers:
  otlp: { protocols: { http: { endpoint: 127.0.0.1:${ports.otlp} } } }
exporters:
  prometheus:
    endpoint: 127.0.0.1:${ports.prom}
    without_scope_info: true
${exporterKeys}
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: 127.0.0.1:${ports.admin} } }
  pipelines:
    metrics: { receivers: [otlp], exporters: [prometheus] }
`,
    health,
  );
  running.push(proc);
  return { proc, ports };
}

/**
 * One OTLP/HTTP protobuf export of delta points `requests{route="route-<i>"}` = value, i in [from, to);
 * `pad` makes each series line about as long as a hostile Kong entry's.
 */
function otlpBody(from: number, to: number, value: (i: number) => number, atMs: number, pad = ''): Buffer {
  const points = [];
  for (let i = from; i < to; i++) {
    const attrs = pad === '' ? { route: `route-${i}`, service: `service-${i % 50}` } : { route: `route-${i}`, service: `service-${i % 50}`, pad };
    points.push({ attrs, value: value(i), at: atMs });
  }
  const rm = resourceMetrics([sum('requests', '', points, { temporality: 'delta' })], { resource: { 'service.name': 'kong', 'service.instance.id': 'kong-0' } });
  return Buffer.from(serialize([rm], 'proto'));
}

function post(port: number, body: Buffer): Promise<{ status: number; answeredAt: number }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent: false, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, answeredAt: performance.now() }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function text(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

const selfValue = (page: string, series: string): number => Number(page.split('\n').find((l) => l.startsWith(`${series} `))?.split(' ')[1]);

function promtool(page: string): string {
  return execFileSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8', maxBuffer: 1 << 30 });
}

describe('otlp → prometheus exporter: max_streams', () => {
  it('5 000 attribute sets against max_streams 2 000: series stop at the budget, overflow counted, one log line, a scrape Prometheus takes', async () => {
    const { proc, ports } = await kongtel('    max_streams: 2000');
    const T = Date.now();
    for (const round of [0, 1]) {
      for (let from = 0; from < 5000; from += 1000) {
        expect((await post(ports.otlp, otlpBody(from, from + 1000, (i) => i + 1, T + round))).status).toBe(200);
      }
    }
    const page = await text(`http://127.0.0.1:${ports.prom}/metrics`);
    const parsed = parseExposition(page);
    expect(parsed.errors).toEqual([]);
    const series = parsed.families.find((f) => f.name === 'requests_total')?.samples ?? [];
    // The resource's target_info takes one place of the 2 000.
    expect(series).toHaveLength(1999);
    expect(parsed.families.find((f) => f.name === 'target_info')?.samples).toHaveLength(1);
    // What was admitted stays exact: two deltas of i + 1 each.
    for (const s of series) {
      const i = Number(s.labels[s.labels.indexOf('route') + 1].slice('route-'.length));
      expect(s.value).toBe(2 * (i + 1));
    }
    expect(promtool(page)).toBe('');

    const self = await text(`http://127.0.0.1:${ports.admin}/metrics`);
    expect(selfValue(self, 'kongtel_exporter_send_failed_metric_points_total{exporter="prometheus",reason="max_streams"}')).toBe(2 * 3001);
    expect(selfValue(self, 'kongtel_exporter_sent_metric_points_total{exporter="prometheus"}')).toBe(2 * 1999);
    expect(selfValue(self, 'kongtel_exporter_prometheus_streams{exporter="prometheus"}')).toBe(2000);
    expect(selfValue(self, 'kongtel_exporter_prometheus_streams_limit{exporter="prometheus"}')).toBe(2000);
    expect(proc.output().split('\n').filter((l) => l.includes('max_streams (2000)'))).toHaveLength(1);

    // A real Prometheus scrapes the page (over 64 KiB, so streamed, gzipped as Prometheus asks).
    const prometheus: PrometheusServer = await startPrometheus([`127.0.0.1:${ports.prom}`]);
    running.push(prometheus);
    const scraped = await waitFor('a Prometheus scrape', async () => {
      const r = await prometheus.query('scrape_samples_scraped{job="kongtel"}');
      return r.length > 0 ? r : undefined;
    });
    expect(scraped[0].value).toBe(2000);
    expect((await prometheus.query('up{job="kongtel"}'))[0].value).toBe(1);
  }, 90_000);
});

describe('otlp → prometheus exporter: a big /metrics page does not hold up ingestion', () => {
  it('100 000 series of 500-byte lines: OTLP POSTs sent during the scrape are answered at once; the page parses with exact values', async () => {
    const N = 100_000;
    const PAD = 'p'.repeat(400);
    const { ports } = await kongtel('    max_streams: 150000');
    const T = Date.now();
    for (let from = 0; from < N; from += 20_000) {
      expect((await post(ports.otlp, otlpBody(from, from + 20_000, (i) => i % 1000, T, PAD))).status).toBe(200);
    }
    let idle = 0;
    for (let n = 0; n < 10; n++) {
      const sent = performance.now();
      idle = Math.max(idle, (await post(ports.otlp, otlpBody(0, 1, () => 0, T, PAD))).answeredAt - sent);
    }

    // curl scrapes (as Prometheus would, from another process), so this process only times the POSTs.
    const file = join(tempDir('scrape'), 'metrics.txt');
    const scrapeStart = performance.now();
    const scrape = new Promise<number>((resolve, reject) => {
      execFile('curl', ['-sf', '-o', file, `http://127.0.0.1:${ports.prom}/metrics`], (err) => (err ? reject(err) : resolve(performance.now())));
    });
    let scrapeDone = false;
    void scrape.then(() => (scrapeDone = true));
    // Kong-like POSTs, one after another, for as long as the scrape lasts; each waits only for its answer.
    const waits: number[] = [];
    let firstAnsweredAt = 0;
    for (let n = 0; !scrapeDone; n++) {
      const sent = performance.now();
      const r = await post(ports.otlp, otlpBody(N + n, N + n + 1, () => 1, T, PAD));
      expect(r.status).toBe(200);
      waits.push(r.answeredAt - sent);
      if (n === 0) firstAnsweredAt = r.answeredAt;
      await sleep(5);
    }
    const endedAt = await scrape;
    // Read only now: reading 50 MB while POSTs are timed would hold this process, not kongtel.
    const page = readFileSync(file, 'utf8');
    const scrapeMs = endedAt - scrapeStart;
    const longest = Math.max(...waits);
    console.log(
      `scrape of ${N} series (${(page.length / 1e6).toFixed(1)} MB) took ${scrapeMs.toFixed(0)} ms; ${waits.length} POSTs meanwhile, ` +
        `first answered after ${(firstAnsweredAt - scrapeStart).toFixed(1)} ms, longest wait ${longest.toFixed(1)} ms (${idle.toFixed(1)} ms with no scrape)`,
    );
    // Rendered in one piece, this page held the process for about half a second (a POST meanwhile waited
    // that long); streamed, a POST waits about what it waits with no scrape. Generous for shared cores.
    expect(longest).toBeLessThan(300);
    expect(firstAnsweredAt - scrapeStart).toBeLessThan(scrapeMs / 2);

    const parsed = parseExposition(page);
    expect(parsed.errors).toEqual([]);
    const series = parsed.families.find((f) => f.name === 'requests_total')?.samples ?? [];
    const routes = new Map(series.map((s) => [s.labels[s.labels.indexOf('route') + 1], s.value]));
    expect(series.every((s) => s.labels[s.labels.indexOf('pad') + 1] === PAD)).toBe(true);
    for (let i = 0; i < N; i++) expect(routes.get(`route-${i}`)).toBe(i % 1000);
    // The POSTs add series of their own; none appears twice on a page.
    expect(series.length).toBeGreaterThanOrEqual(N);
    expect(new Set(series.map((s) => s.labels.join('\u0000'))).size).toBe(series.length);
    expect(promtool(page)).toBe('');
  }, 120_000);
});
