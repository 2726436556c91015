import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runKongtel, startKongtel, type RunningProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';
import { DynatraceStandIn } from '../support/stand_ins/dynatrace.js';
import { TargetServer } from '../receivers/prometheus/target_server.js';

/**
 * Dynatrace's Kong guide (docs.dynatrace.com/docs/shortlink/ai-observability-kong; otel-facts.md §2)
 * configures an OpenTelemetry Collector: the prometheus receiver scrapes Kong's Status API every 10 s,
 * cumulativetodelta (max_staleness 25h) makes Dynatrace's delta, the `otlp_http` exporter sends with an
 * Api-Token. Before issue 10 kongtel refused it: `unknown exporter type "otlp_http"`. Here it is as the
 * guide writes it.
 */
const GUIDE = `receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: kong
          scrape_interval: 10s
          static_configs:
            - targets: ["kong-metrics.kong:8100"]

processors:
  cumulativetodelta:
    max_staleness: 25h

exporters:
  otlp_http:
    endpoint: \${env:DT_ENDPOINT}
    headers:
      Authorization: "Api-Token \${env:DT_API_TOKEN}"

extensions:
  health_check:

service:
  extensions: [health_check]
  pipelines:
    metrics:
      receivers: [prometheus]
      processors: [cumulativetodelta]
      exporters: [otlp_http]
`;

const TOKEN = 'dt0c01.GUIDE.SECRET-TOKEN-4711';

/**
 * To run on loopback with free ports, only addresses change: the scrape target (a name in the guide's
 * cluster), the health_check endpoint (default 0.0.0.0:13133) and the self-telemetry address (default
 * localhost:8888, a fixed port). Every other byte is the guide's.
 */
function onLoopback(target: string, healthPort: number, selfPort: number): string {
  const yaml = GUIDE.replace('"kong-metrics.kong:8100"', `"${target}"`)
    .replace('  health_check:\n', `  health_check:\n    endpoint: 127.0.0.1:${healthPort}\n`)
    .replace('service:\n', `service:\n  telemetry: { metrics: { address: 127.0.0.1:${selfPort} } }\n`);
  expect(yaml.split('\n').length).toBe(GUIDE.split('\n').length + 2);
  return yaml;
}

function kongPage(requests: number, bytes: number): string {
  return [
    '# HELP kong_http_requests_total HTTP status codes per Consumer/Service/Route in Kong Gateway',
    '# TYPE kong_http_requests_total counter',
    `kong_http_requests_total{service="openai",route="chat",code="200",source="service",consumer=""} ${requests}`,
    '# HELP kong_bandwidth_bytes Total bandwidth (ingress/egress) throughput in bytes',
    '# TYPE kong_bandwidth_bytes counter',
    `kong_bandwidth_bytes{service="openai",route="chat",direction="egress",consumer=""} ${bytes}`,
    '# HELP kong_datastore_reachable Datastore reachable from Kong Gateway, 0 is unreachable',
    '# TYPE kong_datastore_reachable gauge',
    'kong_datastore_reachable 1',
    '',
  ].join('\n');
}

function kongtel(args: string[], env: NodeJS.ProcessEnv): { code: number | null; out: string } {
  const r = runKongtel(args, env);
  return { code: r.code, out: `${r.stdout}${r.stderr}` };
}

describe("Dynatrace's Kong guide config", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('validates as the guide writes it, and print-config shows no token', () => {
    const file = join(tempDir('guide'), 'collector.yaml');
    writeFileSync(file, GUIDE);
    const env = { DT_ENDPOINT: 'https://abc12345.live.dynatrace.com/api/v2/otlp', DT_API_TOKEN: TOKEN };
    expect(kongtel(['validate', '--config', file], env)).toEqual({ code: 0, out: `${file}: valid (1 pipeline: metrics)\n` });
    const printed = kongtel(['print-config', '--config', file], env);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain('otlp_http:');
    expect(printed.out).not.toContain(TOKEN);
    expect(printed.out).not.toContain('GUIDE.SECRET');
  });

  it('a misspelt exporter type points at otlp_http, and both names are listed', () => {
    const file = join(tempDir('guide'), 'collector.yaml');
    writeFileSync(file, GUIDE.replace('  otlp_http:\n', '  otlp_htp:\n').replace('exporters: [otlp_http]', 'exporters: [otlp_htp]'));
    const r = kongtel(['validate', '--config', file], { DT_ENDPOINT: 'https://abc12345.live.dynatrace.com/api/v2/otlp', DT_API_TOKEN: TOKEN });
    expect(r.code).toBe(1);
    expect(r.out).toContain('exporters.otlp_htp: unknown exporter type "otlp_htp" (did you mean "otlp_http"?); known: prometheus, otlphttp, otlp_http');
  });

  it('runs: the scraped Kong counters reach the Dynatrace stand-in as deltas, and the token is never printed', async () => {
    const kong = await TargetServer.start();
    cleanups.push(() => kong.close());
    const dt = await new DynatraceStandIn({ token: TOKEN }).start();
    cleanups.push(() => dt.stop());
    kong.body = kongPage(10, 1000);
    const health = await freePort();
    const k: RunningProcess = await startKongtel(onLoopback(kong.address, health, await freePort()), health, { DT_ENDPOINT: dt.endpoint, DT_API_TOKEN: TOKEN });
    cleanups.push(() => k.stop('SIGKILL'));

    // Scrape 1 (at start) only sets where each counter stands; scrape 2, 10 s later, is the first delta.
    await waitFor('the first scrape', async () => (kong.requests.length >= 1 ? true : undefined));
    kong.body = kongPage(25, 1600);
    await waitFor('the second scrape', async () => (kong.requests.length >= 2 ? true : undefined), 15_000);
    kong.body = kongPage(26, 1700);
    await waitFor('a delta at Dynatrace', async () => (dt.received.total('kong_http_requests_total') >= 15 ? true : undefined), 15_000);
    await waitFor('the third scrape', async () => (kong.requests.length >= 3 ? true : undefined), 15_000);
    await waitFor('the next delta', async () => (dt.received.total('kong_http_requests_total') >= 16 ? true : undefined), 15_000);
    expect(await k.stop('SIGTERM')).toBe(0);

    const requests = dt.received.named('kong_http_requests_total');
    expect(requests.every((m) => m.type === 'sum' && m.temporality === 'delta' && m.monotonic)).toBe(true);
    expect(requests.flatMap((m) => m.points.map((p) => p.value))).toEqual([15, 1]);
    expect(requests[0].points[0].attributes).toMatchObject({ service: 'openai', route: 'chat', code: '200' });
    expect(dt.received.points('kong_bandwidth_bytes').map((p) => p.value)).toEqual([600, 100]);
    expect(dt.received.points('kong_datastore_reachable').every((p) => p.value === 1)).toBe(true);
    expect(dt.everCumulative).toBe(false);
    expect(k.output()).not.toContain(TOKEN);
    expect(k.output()).not.toContain('GUIDE.SECRET');
  }, 60_000);
});
