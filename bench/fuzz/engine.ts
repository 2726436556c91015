import http from 'node:http';
import { SelfMetric, type Logger } from '../../core/index.js';
import { waitUntil } from './clients.js';
import { entryPool } from './entry_pool.js';
import type { HostileLimits } from './hostile_values.js';
import { toNode } from './json_node.js';
import { fuzzKongFile, fuzzKongHttp, fuzzKongTcp, fuzzKongUdp } from './kong_properties.js';
import { fuzzOtlp } from './otlp_property.js';
import { FUZZ_LIMITS, KONG_RECEIVERS, startFuzzPipeline } from './pipeline.js';
import type { ReceiverReport } from './report.js';
import type { RunOptions } from './run_property.js';
import { Watchdog } from './watchdog.js';

export const DEFAULT_SEED = 20_251_123;

/** kong_metrics cuts attribute values to this many characters (processors/kong_metrics/fields.ts). */
export const MAX_ATTRIBUTE_LENGTH = 256;

/** How the runs are shared: the http-log and OTLP receivers have the most ways to answer. */
const SHARE = { kong_http_log: 0.35, kong_tcp_log: 0.2, kong_udp_log: 0.15, kong_file_log: 0.1, otlp: 0.2 } as const;

/** Strings a little past each receiver's size limit, so limits are hit as well as missed. */
const HOSTILE: Readonly<Record<keyof typeof SHARE, HostileLimits>> = {
  kong_http_log: { maxStringLength: 300_000, maxDepth: 10_000 },
  kong_tcp_log: { maxStringLength: 100_000, maxDepth: 10_000 },
  kong_udp_log: { maxStringLength: 70_000, maxDepth: 10_000 },
  kong_file_log: { maxStringLength: 100_000, maxDepth: 10_000 },
  otlp: { maxStringLength: 300_000, maxDepth: 10_000 },
};

/** Runs per receiver: rounded shares, the remainder to OTLP, so they add up to `total`. */
function shareRuns(total: number): Record<keyof typeof SHARE, number> {
  const http = Math.round(total * SHARE.kong_http_log);
  const tcp = Math.round(total * SHARE.kong_tcp_log);
  const udp = Math.round(total * SHARE.kong_udp_log);
  const file = Math.round(total * SHARE.kong_file_log);
  return { kong_http_log: http, kong_tcp_log: tcp, kong_udp_log: udp, kong_file_log: file, otlp: Math.max(0, total - http - tcp - udp - file) };
}

export interface FuzzOptions {
  /** Generated inputs in all, shared among the receivers. */
  readonly runs: number;
  readonly seed?: number;
  readonly logger?: Logger;
}

export interface FuzzReport {
  readonly seed: number;
  readonly receivers: readonly ReceiverReport[];
  /** Unhandled rejections and uncaught exceptions seen during the run. */
  readonly unhandled: readonly string[];
  readonly peakRssMiB: number;
  /** `http_server_request_count_total` summed over a scrape of the Prometheus exporter, and the captured total then. */
  readonly scrape: { readonly total: number; readonly captured: number } | undefined;
  readonly durationMs: number;
}

/** Failed cases and totals, plus a Prometheus scrape that disagrees with what the exporters were given. */
export function failureCount(r: FuzzReport): number {
  const scrapeDisagrees = r.scrape !== undefined && r.scrape.total !== r.scrape.captured ? 1 : 0;
  return r.receivers.reduce((n, x) => n + x.failed, 0) + scrapeDisagrees;
}

/** Sums the values of one metric family in Prometheus text; a value is the last token of its line. */
export function sumFamily(text: string, family: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${family}{`) && !line.startsWith(`${family} `)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * Runs every receiver's property at once against one live collector, then checks the totals: each Kong
 * receiver's exporter got exactly the entries that were acknowledged, the Prometheus exporter agrees, and
 * OTLP lost no accepted point.
 */
export async function runFuzzSuite(o: FuzzOptions): Promise<FuzzReport> {
  const seed = o.seed ?? DEFAULT_SEED;
  const started = performance.now();
  const watchdog = new Watchdog();
  const pipeline = await startFuzzPipeline(FUZZ_LIMITS, o.logger);
  const pool = entryPool(seed).map((e) => toNode(e));
  const runs = shareRuns(o.runs);
  const options = (receiver: keyof typeof SHARE, offset: number): RunOptions => ({ runs: runs[receiver], seed: seed + offset, pool, limits: FUZZ_LIMITS });
  let reports: ReceiverReport[] = [];
  let scraped: FuzzReport['scrape'];
  let stopped = false;
  try {
    reports = await Promise.all([
      fuzzKongHttp(pipeline, options('kong_http_log', 0), HOSTILE.kong_http_log),
      fuzzKongTcp(pipeline, options('kong_tcp_log', 1), HOSTILE.kong_tcp_log),
      fuzzKongUdp(pipeline, options('kong_udp_log', 2), HOSTILE.kong_udp_log),
      fuzzKongFile(pipeline, options('kong_file_log', 3), HOSTILE.kong_file_log),
      fuzzOtlp(pipeline, options('otlp', 4), HOSTILE.otlp),
    ]);
    const kong = reports.filter((r) => (KONG_RECEIVERS as readonly string[]).includes(r.receiver));
    const captured = (): number => KONG_RECEIVERS.reduce((n, id) => n + pipeline.capture(id).requestCount, 0);
    const expected = kong.reduce((n, r) => n + r.expected, 0);
    // kong_metrics emits every second: wait for the emission that holds the last cases, then scrape.
    await waitUntil(() => captured() >= expected, 5_000, 20);
    // The same emission goes to the Prometheus exporter alongside; let it finish taking it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = await scrape(pipeline.ports.prometheus);
    scraped = { total: sumFamily(text, 'http_server_request_count_total'), captured: captured() };
  } finally {
    stopped = await pipeline.stop();
    watchdog.stop();
  }

  if (!stopped) reports[0]?.failTotal('the collector did not shut down within service.shutdown_timeout');
  for (const r of reports) {
    if (r.receiver === 'otlp') {
      const capture = pipeline.capture('otlp');
      r.counted = capture.points;
      const accepted = pipeline.collector.telemetry.sum(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'otlp' });
      if (capture.points !== accepted) r.failTotal(`the exporter got ${capture.points} points, the receiver accepted ${accepted}`);
      if (capture.points < r.expected) r.failTotal(`the exporter got ${capture.points} points, fewer than the ${r.expected} of undamaged requests`);
      if (capture.encodeFailures.length > 0) r.failTotal(`batches the OTLP serializers cannot encode: ${capture.encodeFailures.join('; ')}`);
      continue;
    }
    const capture = pipeline.capture(r.receiver as (typeof KONG_RECEIVERS)[number]);
    r.counted = capture.requestCount;
    if (capture.requestCount !== r.expected) {
      r.failTotal(`http.server.request.count totals ${capture.requestCount} at the exporter, but ${r.expected} counted entries were acknowledged`);
    }
    if (capture.oddCounts.length > 0) r.failTotal(`request-count points that are not positive whole numbers: ${capture.oddCounts.slice(0, 5).join(', ')}`);
    if (capture.nonFinite.length > 0) r.failTotal(`values that are not finite: ${capture.nonFinite.join(', ')}`);
    if (capture.longestAttribute > MAX_ATTRIBUTE_LENGTH) r.failTotal(`an attribute value ${capture.longestAttribute} characters long (kong_metrics keeps ${MAX_ATTRIBUTE_LENGTH})`);
    if (capture.encodeFailures.length > 0) r.failTotal(`batches the OTLP serializers cannot encode: ${capture.encodeFailures.join('; ')}`);
  }
  return {
    seed,
    receivers: reports,
    unhandled: watchdog.unhandled,
    peakRssMiB: watchdog.peakRssMiB,
    scrape: scraped,
    durationMs: Math.round(performance.now() - started),
  };
}

/** One line per receiver, for logs and the CLI. */
export function summarize(r: FuzzReport): string {
  const lines = r.receivers.map(
    (x) => `${x.receiver.padEnd(14)} cases ${String(x.cases).padStart(6)}  failed ${String(x.failed).padStart(4)}  expected ${x.expected}  counted ${x.counted}  ${JSON.stringify(x.outcomes)}`,
  );
  lines.push(
    `seed ${r.seed}, ${r.durationMs} ms, peak RSS ${r.peakRssMiB} MiB, unhandled ${r.unhandled.length}` +
      (r.scrape === undefined ? '' : `, Prometheus total ${r.scrape.total} vs captured ${r.scrape.captured}`),
  );
  return lines.join('\n');
}
