import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { msToHrTime } from '../core/index.js';
import { serialize } from '../exporters/otlphttp/encode.js';
import type { BenchLine } from './bench_line.js';
import { freePort } from '../test/support/ports.js';
import { DIST, rssMiB, waitHttp } from './processes.js';

/**
 * The prometheus exporter under a big page, in the real `kongtel` process (otlp → prometheus): N series
 * (Kong-like attributes, ~170 bytes a line) are sent over OTLP/HTTP, then `/metrics` is scraped by curl
 * (plain, then gzip) while small OTLP POSTs go to the same process one after another. Figures: scrape
 * time, the longest POST wait during the scrape (what a Kong POST would wait), the POST wait with no
 * scrape, and kongtel's RSS with N series held and its peak during the scrapes. At 100 000 series the
 * exporter runs with its default budget (max_streams 100 000) and is sent 120 000: the RSS is the
 * one at the budget.
 */

const POINTS_PER_REQUEST = 10_000;
const T0 = 1_700_000_000_000;

function otlpBody(from: number, to: number, at: number): Buffer {
  const rm: ResourceMetrics = {
    resource: resourceFromAttributes({ 'service.name': 'kong', 'service.instance.id': 'kong-0' }),
    scopeMetrics: [
      {
        scope: { name: 'kong' },
        metrics: [
          {
            descriptor: { name: 'http.server.request.count', description: 'Requests', unit: '{request}', valueType: ValueType.INT },
            dataPointType: DataPointType.SUM,
            aggregationTemporality: AggregationTemporality.DELTA,
            isMonotonic: true,
            dataPoints: Array.from({ length: to - from }, (_, k) => {
              const i = from + k;
              return {
                startTime: msToHrTime(at - 10_000),
                endTime: msToHrTime(at),
                attributes: {
                  'kong.service.name': `service-${i % 100}`,
                  'kong.route.name': `route-${i}`,
                  'kong.consumer.name': `consumer-${i % 97}`,
                  'kong.workspace.name': 'default',
                  'http.request.method': i % 3 === 0 ? 'POST' : 'GET',
                  'http.response.status_code': [200, 201, 404, 500, 503][i % 5],
                },
                value: (i % 40) + 1,
              };
            }),
          },
        ],
      },
    ],
  };
  return Buffer.from(serialize([rm], 'proto'));
}

/** One POST; resolves with its status and how long the answer took. */
function post(port: number, body: Buffer): Promise<{ status: number; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: '/v1/metrics', method: 'POST', agent: false, headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A curl scrape to /dev/null; resolves with its wall time and the bytes it read. */
function curlScrape(port: number, gzip: boolean): Promise<{ ms: number; bytes: number }> {
  const t = performance.now();
  const args = ['-s', '-o', '/dev/null', '-w', '%{size_download}', ...(gzip ? ['-H', 'Accept-Encoding: gzip'] : []), `http://127.0.0.1:${port}/metrics`];
  return new Promise((resolve, reject) => {
    const c = spawn('curl', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.once('error', reject);
    c.once('exit', (code) => (code === 0 ? resolve({ ms: performance.now() - t, bytes: Number(out) }) : reject(new Error(`curl exited ${code}`))));
  });
}

/** POSTs one after another (5 ms apart) until `until` settles; the longest wait. */
async function postWhile(port: number, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let longest = 0;
  let n = 0;
  while (!done) {
    const r = await post(port, otlpBody(10_000_000 + n, 10_000_001 + n, T0));
    if (r.status !== 200) throw new Error(`POST answered ${r.status}`);
    longest = Math.max(longest, r.ms);
    n++;
    await sleep(5);
  }
  return longest;
}

async function startKongtel(otlpPort: number, promPort: number, healthPort: number, maxStreams: number | undefined): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'kongtel-bench-prom-'));
  const config = join(dir, 'pipelines.yaml');
  const budget = maxStreams === undefined ? '' : `\n    max_streams: ${maxStreams}`;
  writeFileSync(
    config,
    `receivers:\n  otlp:\n    protocols:\n      http:\n        endpoint: 127.0.0.1:${otlpPort}\nexporters:\n  prometheus:\n    endpoint: 127.0.0.1:${promPort}\n    metric_expiration: 0${budget}\nextensions:\n  health_check:\n    endpoint: 127.0.0.1:${healthPort}\nservice:\n  extensions: [health_check]\n  telemetry:\n    logs: { level: error }\n    metrics: { address: "" }\n  pipelines:\n    metrics:\n      receivers: [otlp]\n      exporters: [prometheus]\n`,
  );
  const kongtel = spawn(process.execPath, ['--max-old-space-size=4096', join(DIST, 'cmd/kongtel.js'), '--config', config], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitHttp(`http://127.0.0.1:${healthPort}/`);
  return kongtel;
}

async function measure(series: number, sent: number, maxStreams: number | undefined): Promise<BenchLine[]> {
  const [otlpPort, promPort, healthPort] = [await freePort(), await freePort(), await freePort()];
  const kongtel = await startKongtel(otlpPort, promPort, healthPort, maxStreams);
  try {
    for (let i = 0; i < sent; i += POINTS_PER_REQUEST) {
      const r = await post(otlpPort, otlpBody(i, Math.min(sent, i + POINTS_PER_REQUEST), T0));
      if (r.status !== 200) throw new Error(`filling: POST answered ${r.status}`);
    }
    const held = rssMiB(kongtel.pid as number);
    let idleLongest = 0;
    for (let i = 0; i < 20; i++) idleLongest = Math.max(idleLongest, (await post(otlpPort, otlpBody(0, 1, T0))).ms);
    const lines: BenchLine[] = [
      { name: `${series} series: kongtel RSS holding them`, value: held.rss, unit: 'MiB' },
      { name: `${series} series: longest POST wait, no scrape`, value: idleLongest, unit: 'ms' },
    ];
    for (const gzip of [false, true]) {
      const scrape = curlScrape(promPort, gzip);
      const longest = await postWhile(otlpPort, scrape);
      const { ms, bytes } = await scrape;
      const how = gzip ? 'gzip' : 'plain';
      lines.push(
        { name: `${series} series: scrape (${how}, ${(bytes / 1e6).toFixed(0)} MB)`, value: ms, unit: 'ms' },
        { name: `${series} series: longest POST wait during the ${how} scrape`, value: longest, unit: 'ms' },
      );
    }
    lines.push({ name: `${series} series: kongtel peak RSS`, value: rssMiB(kongtel.pid as number).peak, unit: 'MiB' });
    return lines;
  } finally {
    kongtel.kill('SIGTERM');
    await new Promise((r) => kongtel.once('exit', r));
  }
}

export async function benchPrometheusExporter(): Promise<BenchLine[]> {
  return [...(await measure(100_000, 120_000, undefined)), ...(await measure(1_000_000, 1_000_000, 1_100_000))];
}
