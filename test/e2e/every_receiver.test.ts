import { createSocket } from 'node:dgram';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ValueType } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KongEntryGenerator } from '../../bench/kong_entries.js';
import { ROOT, startKongtel, type RunningProcess } from '../support/processes.js';
import { OtlpStandIn } from '../support/stand_ins/otlp_http.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';
import { tempDir } from '../support/temp.js';

/**
 * Issue 4 end to end through the real CLI: every way Kong's data arrives (a scraped Kong /metrics page,
 * OTLP from an OpenTelemetry SDK, tcp-log, udp-log and file-log entries) comes out as the same kong.* /
 * http.server.* instruments, in delta, at an OTLP backend, and on the Prometheus exporter.
 */
const KONG_PAGE = readFileSync(join(ROOT, 'test/testdata/kong/prometheus-plugin-3.x-metrics.txt'), 'utf8');

/** The real Kong page with its request counter set to `requests` (a counter reset when it goes down). */
function kongPage(requests: number): string {
  return KONG_PAGE.replace(/^(kong_http_requests_total\{[^}]*\}) 1$/m, `$1 ${requests}`);
}

describe('every receiver, end to end', () => {
  let kongtel: RunningProcess;
  let kongServer: Server;
  let requests = 1;
  const logs = new OtlpStandIn();
  const scraped = new OtlpStandIn();
  const otlp = new OtlpStandIn();
  const ports = { tcp: 0, udp: 0, otlp: 0, prom: 0, health: 0, kong: 0 };
  const logDir = tempDir('file-log');
  const gen = new KongEntryGenerator(404);

  beforeAll(async () => {
    await Promise.all([logs.start(), scraped.start(), otlp.start()]);
    kongServer = createServer((req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(kongPage(requests)));
    await new Promise<void>((r) => kongServer.listen(0, '127.0.0.1', r));
    ports.kong = (kongServer.address() as { port: number }).port;
    for (const k of ['tcp', 'udp', 'otlp', 'prom', 'health'] as const) ports[k] = await freePort();
    writeFileSync(join(logDir, 'kong.log'), '');
    kongtel = await startKongtel(
      `
receivers:
  kong_tcp_log: { endpoint: 127.0.0.1:${ports.tcp} }
  kong_udp_log: { endpoint: 127.0.0.1:${ports.udp} }
  kong_file_log: { include: ["${logDir}/*.log"], start_at: beginning, poll_interval: 50ms }
  prometheus:
    config:
      scrape_configs:
        - job_name: kong
          scrape_interval: 300ms
          scrape_timeout: 250ms
          static_configs: [{ targets: ["127.0.0.1:${ports.kong}"] }]
  otlp:
    protocols: { http: { endpoint: 127.0.0.1:${ports.otlp} } }
processors:
  kong_metrics: { interval: 300ms }
  cumulativetodelta:
exporters:
  otlphttp/logs: { endpoint: ${logs.endpoint}, retry_on_failure: { initial_interval: 100ms } }
  otlphttp/scraped: { endpoint: ${scraped.endpoint}, retry_on_failure: { initial_interval: 100ms } }
  otlphttp/otlp: { endpoint: ${otlp.endpoint}, retry_on_failure: { initial_interval: 100ms } }
  prometheus: { endpoint: 127.0.0.1:${ports.prom} }
extensions:
  health_check: { endpoint: 127.0.0.1:${ports.health} }
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics/logs:
      receivers: [kong_tcp_log, kong_udp_log, kong_file_log]
      processors: [kong_metrics, cumulativetodelta]
      exporters: [otlphttp/logs, prometheus]
    metrics/scraped:
      receivers: [prometheus]
      processors: [kong_metrics, cumulativetodelta]
      exporters: [otlphttp/scraped]
    metrics/otlp:
      receivers: [otlp]
      processors: [cumulativetodelta]
      exporters: [otlphttp/otlp]
`,
      ports.health,
    );
  });

  afterAll(async () => {
    await kongtel?.stop('SIGKILL');
    await Promise.all([logs.stop(), scraped.stop(), otlp.stop()]);
    await new Promise((r) => kongServer?.close(r));
  });

  const inWorkspace = (workspace: string, n: number) =>
    gen.many(n, 0.5).map((g) => ({ ...g.entry, workspace_name: workspace }));

  it('tcp-log, udp-log and file-log entries are counted exactly, in delta, at the backend and on /metrics', async () => {
    const tcp = inWorkspace('tcp', 400);
    const socket = connect(ports.tcp, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // Kong writes one entry + "\n" per request over a keep-alive connection; here in odd-sized pieces.
    const stream = Buffer.from(tcp.map((e) => `${JSON.stringify(e)}\n`).join(''));
    for (let i = 0; i < stream.length; i += 7919) socket.write(stream.subarray(i, i + 7919));
    await new Promise<void>((r) => socket.end(r));

    const udp = inWorkspace('udp', 300);
    const sender = createSocket('udp4');
    for (const [i, e] of udp.entries()) {
      await new Promise<void>((r, j) => sender.send(JSON.stringify(e), ports.udp, '127.0.0.1', (err) => (err ? j(err) : r())));
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 10));
    }
    sender.close();

    const file = inWorkspace('file', 500);
    appendFileSync(join(logDir, 'kong.log'), file.slice(0, 250).map((e) => `${JSON.stringify(e)}\n`).join(''));
    await new Promise((r) => setTimeout(r, 200));
    appendFileSync(join(logDir, 'kong.log'), file.slice(250).map((e) => `${JSON.stringify(e)}\n`).join(''));

    for (const [workspace, n] of [['tcp', 400], ['udp', 300], ['file', 500]] as const) {
      await waitFor(`${n} ${workspace} entries at the backend`, async () =>
        logs.received.total('http.server.request.count', { 'kong.workspace.name': workspace }) === n ? true : undefined,
      );
    }
    expect(logs.received.metrics.filter((m) => m.type === 'sum' || m.type === 'histogram').every((m) => m.temporality === 'delta')).toBe(true);
    const page = await (await fetch(`http://127.0.0.1:${ports.prom}/metrics`)).text();
    const total = (ws: string) =>
      page
        .split('\n')
        .filter((l) => l.startsWith('http_server_request_count_total{') && l.includes(`kong_workspace_name="${ws}"`))
        .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect([total('tcp'), total('udp'), total('file')]).toEqual([400, 300, 500]);
  });

  it("a scraped Kong /metrics page: Kong's names become OTel instruments, deltas exact across a counter reset", async () => {
    const route = { 'kong.service.name': 'google', 'kong.route.name': 'google.route-1', 'kong.response.status_code': 200, 'kong.response.source': 'upstream' };
    // What Kong counted before kongtel first looked is not kongtel's to report (after a kongtel restart it
    // would be counted twice): the first scrape is the baseline, and the deltas start from it.
    await waitFor('two scrapes', async () => (scraped.received.points('http.server.request.count', route).length > 0 ? true : undefined));
    expect(scraped.received.total('http.server.request.count', route)).toBe(0);
    requests = 7;
    await waitFor('the counter to advance', async () => (scraped.received.total('http.server.request.count', route) === 6 ? true : undefined));
    requests = 3; // Kong restarted: the counter starts again, and its new value counts.
    await waitFor('the reset', async () => (scraped.received.total('http.server.request.count', route) === 9 ? true : undefined));
    await new Promise((r) => setTimeout(r, 700));
    expect(scraped.received.total('http.server.request.count', route)).toBe(9);
    // ms histograms arrive in seconds under their OTel names, as deltas (the page's one request is the baseline).
    const latency = scraped.received.histogramTotal('kong.latency.total', { 'kong.service.name': 'google' });
    expect(latency.count).toBe(0);
    expect(latency.explicitBounds.slice(0, 3)).toEqual([0.025, 0.05, 0.08]);
    // kong_kong_latency_ms starts at le="5" on the real page: Kong's lower buckets were filled in.
    expect(scraped.received.histogramTotal('kong.latency.internal').explicitBounds.slice(0, 3)).toEqual([0.001, 0.002, 0.005]);
    expect(scraped.received.named('kong_http_requests_total')).toEqual([]);
    expect(scraped.received.named('kong.bandwidth').length).toBeGreaterThan(0);
    expect(scraped.received.metrics.filter((m) => m.type === 'sum' && m.monotonic).every((m) => m.temporality === 'delta')).toBe(true);
  });

  it('OTLP from an OpenTelemetry SDK: cumulative counters arrive as exact deltas', async () => {
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'kong' }),
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new OTLPMetricExporter({ url: `http://127.0.0.1:${ports.otlp}/v1/metrics`, temporalityPreference: AggregationTemporality.CUMULATIVE }),
          exportIntervalMillis: 200,
        }),
      ],
    });
    const counter = provider.getMeter('kong').createCounter('http.server.request.count', { unit: '{request}', valueType: ValueType.INT });
    for (let i = 0; i < 25; i++) {
      counter.add(i + 1, { 'kong.service.name': 'otlp-service' });
      await new Promise((r) => setTimeout(r, 20));
    }
    await provider.forceFlush();
    await provider.shutdown();
    const expected = (25 * 26) / 2;
    await waitFor('every increment at the backend', async () =>
      otlp.received.total('http.server.request.count', { 'kong.service.name': 'otlp-service' }) === expected ? true : undefined,
    );
    expect(otlp.received.named('http.server.request.count').every((m) => m.temporality === 'delta')).toBe(true);
  });
});
