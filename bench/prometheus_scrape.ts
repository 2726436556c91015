import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { countDataPoints, ManualClock, noStorage, SelfTelemetry, silentLogger, type Batch, type Consumer, type MetricBatch } from '../core/index.js';
import { mapScrapedKongSeries } from '../processors/kong_metrics/scrape_mapping.js';
import { convertPage } from '../receivers/prometheus/conversion.js';
import { PointLabels } from '../receivers/prometheus/labels.js';
import { parseExposition } from '../receivers/prometheus/parser.js';
import { TargetResources } from '../receivers/prometheus/resources.js';
import { PrometheusReceiver, prometheusReceiverFactory } from '../receivers/prometheus/index.js';
import { StartTimes } from '../receivers/prometheus/start_times.js';
import type { ScrapeTarget } from '../receivers/prometheus/target.js';
import type { BenchLine } from './bench_line.js';

/**
 * prometheus receiver: one scrape of a Kong-style `/metrics` page of 10 000 series (500 routes × 4 status
 * codes of `kong_http_requests_total`, and a 16-series `kong_request_latency_ms` histogram per route),
 * served on loopback. Timed: fetch + parse + convert + hand-over (the receiver's whole scrape), then
 * parse + convert alone, then the same plus kong_metrics' scrape mapping. Median and p95 of 40 scrapes
 * after 10 untimed ones. Target: < 100 ms per scrape including the Kong mapping.
 */


const ROUTES = 500;
const CODES = ['200', '201', '404', '503'];
const BUCKETS = ['25', '50', '80', '100', '250', '400', '700', '1000', '2000', '5000', '10000', '30000', '60000', '+Inf'];
const WARMUP = 10;
const MEASURED = 40;

/** A page like Kong's plugin prints, with counts that grow by `round`. */
export function kongPage(round: number): string {
  const lines: string[] = [
    '# HELP kong_http_requests_total HTTP status codes per Consumer/Service/Route in Kong Gateway',
    '# TYPE kong_http_requests_total counter',
  ];
  for (let r = 0; r < ROUTES; r++) {
    const service = `service-${Math.floor(r / 5)}`;
    for (const [i, code] of CODES.entries()) {
      lines.push(
        `kong_http_requests_total{service="${service}",route="${service}.route-${r % 5}",code="${code}",source="${code === '503' ? 'kong' : 'service'}",workspace="default",consumer=""} ${(r + 1) * (i + 1) * 10 + round}`,
      );
    }
  }
  lines.push(
    '# HELP kong_request_latency_ms Total latency incurred during requests for each Service/Route in Kong Gateway',
    '# TYPE kong_request_latency_ms histogram',
  );
  for (let r = 0; r < ROUTES; r++) {
    const service = `service-${Math.floor(r / 5)}`;
    const labels = `service="${service}",route="${service}.route-${r % 5}",workspace="default"`;
    let cumulative = 0;
    for (const [i, le] of BUCKETS.entries()) {
      cumulative += ((r + i) % 7) + round;
      lines.push(`kong_request_latency_ms_bucket{${labels},le="${le}"} ${cumulative}`);
    }
    lines.push(`kong_request_latency_ms_sum{${labels}} ${cumulative * 37.5}`, `kong_request_latency_ms_count{${labels}} ${cumulative}`);
  }
  return lines.join('\n') + '\n';
}

function stats(samples: number[]): { median: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] };
}

export async function benchPrometheusScrape(): Promise<BenchLine[]> {
  const pages = [kongPage(0), kongPage(1), kongPage(2)];
  let served = 0;
  const server = createServer((_req, res) => {
    const body = Buffer.from(pages[served++ % pages.length], 'utf8');
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8', 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  let points = 0;
  const consumer: Consumer = {
    consume: async (batch: Batch) => {
      points = countDataPoints(batch as MetricBatch);
    },
  };
  const clock = new ManualClock();
  const config = prometheusReceiverFactory.configSchema.parse({
    scrape_configs: [{ job_name: 'kong', scrape_interval: '10s', static_configs: [{ targets: [address] }] }],
  });
  const ctx = { id: 'prometheus', kind: 'receiver' as const, logger: silentLogger(), telemetry: new SelfTelemetry(), clock, resource: resourceFromAttributes({}), storage: noStorage };
  const receiver = prometheusReceiverFactory.create(config, ctx, consumer);
  if (!(receiver instanceof PrometheusReceiver)) throw new Error('the factory did not build a PrometheusReceiver');
  await receiver.start({ status: () => 'running' });
  const idle = (): Promise<void> => receiver.idle();

  const scrapeMs: number[] = [];
  clock.advance(0);
  await idle();
  for (let i = 0; i < WARMUP + MEASURED; i++) {
    const t = performance.now();
    clock.advance(10_000);
    await idle();
    if (i >= WARMUP) scrapeMs.push(performance.now() - t);
  }
  await receiver.shutdown();
  await new Promise<void>((resolve) => server.close(() => resolve()));

  // The same work without HTTP, and with kong_metrics' mapping of the scraped Kong series on top.
  const target: ScrapeTarget = {
    job: 'kong', instance: address, host: '127.0.0.1', port: 1, scheme: 'http', path: '/metrics', intervalMs: 10_000,
    timeoutMs: 10_000, bodySizeLimit: 0, offsetMs: 0, honorLabels: false, staticLabels: {}, authorization: undefined, tls: undefined,
  };
  const conversion = { labels: new PointLabels(target), resources: new TargetResources(target), startTimes: new StartTimes() };
  const convertMs: number[] = [];
  const mappedMs: number[] = [];
  let series = 0;
  for (let i = 0; i < WARMUP + MEASURED; i++) {
    const text = pages[i % pages.length];
    const t0 = performance.now();
    const page = parseExposition(text);
    const converted = convertPage(page, 1_700_000_000_000 + i * 10_000, conversion);
    const t1 = performance.now();
    mapScrapedKongSeries({ signal: 'metrics', resourceMetrics: converted.resourceMetrics }, { dropUnmapped: false, excluded: new Set() });
    const t2 = performance.now();
    series = page.sampleCount;
    if (i >= WARMUP) {
      convertMs.push(t1 - t0);
      mappedMs.push(t2 - t0);
    }
  }

  const scrape = stats(scrapeMs);
  const convert = stats(convertMs);
  const mapped = stats(mappedMs);
  return [
    { name: 'page: series (sample lines)', value: series, unit: 'series' },
    { name: 'page: size', value: Buffer.byteLength(pages[0]) / 1024, unit: 'KiB' },
    { name: 'page: data points handed over per scrape', value: points, unit: 'points' },
    { name: 'scrape + parse + convert + hand-over, median (loopback HTTP)', value: scrape.median, unit: 'ms' },
    { name: 'scrape + parse + convert + hand-over, p95', value: scrape.p95, unit: 'ms' },
    { name: 'parse + convert alone, median', value: convert.median, unit: 'ms' },
    { name: 'parse + convert + kong_metrics scrape mapping, median (target < 100 ms)', value: mapped.median, unit: 'ms' },
    { name: 'parse + convert + kong_metrics scrape mapping, p95', value: mapped.p95, unit: 'ms' },
  ];
}
