import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { ROOT, startKongtel, startPrometheus, type PrometheusServer, type RunningProcess } from '../support/processes.js';
import { OtlpStandIn, statusAnswer } from '../support/stand_ins/otlp_http.js';
import { sleep, waitFor } from '../support/wait.js';
import { allValueOf, builtins, interpolate, parseLabelValues, readDashboard, type Dashboard } from './grafana.js';
import { batchFor, fixtureEntries } from './kong_traffic.js';
import { labelValues, seriesWithData, type Window } from './prometheus_api.js';

/**
 * Every panel query of every dashboard, with its variables on "All", returns data from a real Prometheus
 * scraping kongtel fed with Kong-shaped traffic: kongtel's own three dashboards (dashboards/), Kong's
 * official one as published (fixtures/kong_official.json) and Kong's AI one as documented
 * (fixtures/kong_cx_ai_21162.json). One kongtel and one Prometheus for all of them.
 */

const PROMETHEUS = '/usr/bin/prometheus';
const available = existsSync(PROMETHEUS);
if (!available) {
  if (process.env.CI === 'true') throw new Error(`${PROMETHEUS} not found (apt-get install -y prometheus); CI=true requires it`);
  console.warn(`skipping the dashboard tests: ${PROMETHEUS} not found (apt-get install -y prometheus)`);
}

const SCRAPE_SECONDS = 1;

/** Panels of Kong's official dashboard that read what only a Kong node knows about itself, never its logs. */
const KONG_ONLY_PANELS: Record<string, string> = {
  'Kong shared memory usage by Node ($instance)': 'lua_shared_dict memory of the Kong node (kong_memory_lua_shared_dict_*)',
  'Kong worker Lua VM usage by Node ($instance)': "memory of the Kong workers' Lua VMs",
  'Healthy status': "health of upstream targets, from Kong's balancer health checks (kong_upstream_target_health)",
  '(untitled)': 'the upstream target health table (kong_upstream_target_health)',
  'Nginx connection state': "nginx connection states, from Kong's nginx (kong_nginx_connections_total)",
  'Total Connections': 'nginx connections (kong_nginx_connections_total)',
  'Handled Connections': 'nginx connections (kong_nginx_connections_total)',
  'Accepted Connections': 'nginx connections (kong_nginx_connections_total)',
};

/** Variables of Kong's official dashboard built on those families: their "All" still lets the other panels work. */
const KONG_ONLY_VARIABLES: Record<string, string> = {
  instance: 'label_values(kong_nginx_connections_total, instance): nginx connections of a Kong node',
  upstream: 'label_values(kong_upstream_target_health, upstream): Kong balancer health checks',
};

const DASHBOARDS: { file: string; kongOnly: Record<string, string>; kongOnlyVariables: Record<string, string> }[] = [
  { file: join(ROOT, 'dashboards/kong_traffic.json'), kongOnly: {}, kongOnlyVariables: {} },
  { file: join(ROOT, 'dashboards/kong_ai_gateway.json'), kongOnly: {}, kongOnlyVariables: {} },
  { file: join(ROOT, 'dashboards/kongtel.json'), kongOnly: {}, kongOnlyVariables: {} },
  { file: new URL('fixtures/kong_official.json', import.meta.url).pathname, kongOnly: KONG_ONLY_PANELS, kongOnlyVariables: KONG_ONLY_VARIABLES },
  { file: new URL('fixtures/kong_cx_ai_21162.json', import.meta.url).pathname, kongOnly: {}, kongOnlyVariables: {} },
];

function kongtelConfig(p: Record<'log' | 'prom' | 'promKong' | 'health' | 'self', number>, otlp: string, storage: string): string {
  return `
receivers:
  kong_http_log: { endpoint: 127.0.0.1:${p.log} }
processors:
  memory_limiter: { check_interval: 1s, limit_mib: 4000 }
  kong_metrics: { interval: 1s }
  kong_metrics/kong: { interval: 1s, naming: kong }
  kong_metrics/durable: { interval: 1s, storage: file_storage }
exporters:
  prometheus: { endpoint: 127.0.0.1:${p.prom} }
  # naming: kong here too: it keeps kong_bandwidth_bytes without the _total suffix Kong does not print.
  prometheus/kong: { endpoint: 127.0.0.1:${p.promKong}, naming: kong, without_scope_info: true }
  otlphttp:
    endpoint: ${otlp}
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms, max_elapsed_time: 500ms }
    sending_queue: { storage: file_storage }
extensions:
  health_check: { endpoint: 127.0.0.1:${p.health} }
  file_storage: { directory: ${storage} }
service:
  extensions: [health_check, file_storage]
  telemetry: { metrics: { address: 127.0.0.1:${p.self} } }
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [memory_limiter, kong_metrics], exporters: [prometheus] }
    metrics/kong: { receivers: [kong_http_log], processors: [kong_metrics/kong], exporters: [prometheus/kong] }
    metrics/durable: { receivers: [kong_http_log], processors: [memory_limiter, kong_metrics/durable], exporters: [otlphttp] }
`;
}

const job = (name: string, port: number) => `  - job_name: ${name}\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;

describe.skipIf(!available)('dashboards on a real Prometheus scraping kongtel fed with every Kong log shape', () => {
  let kongtel: RunningProcess | undefined;
  let prometheus: PrometheusServer | undefined;
  let backend: OtlpStandIn | undefined;
  let window: Window;

  beforeAll(async () => {
    const p = { log: await freePort(), prom: await freePort(), promKong: await freePort(), health: await freePort(), self: await freePort() };
    backend = await new OtlpStandIn().start();
    // A backend that is busy for a while: the kongtel dashboard's retries and send failures get data.
    backend.server.failNext(6, statusAnswer(503, 'busy', 'proto'));
    const storage = mkdtempSync(join(tmpdir(), 'kongtel-dash-storage-'));
    kongtel = await startKongtel(kongtelConfig(p, backend.endpoint, storage), p.health);
    prometheus = await startPrometheus([], `${SCRAPE_SECONDS}s`, job('kongtel', p.prom) + job('kongtel_kong', p.promKong) + job('kongtel_self', p.self));

    const entries = fixtureEntries();
    const start = Math.floor(Date.now() / 1000);
    const post = async (body: unknown) => {
      const res = await fetch(`http://127.0.0.1:${p.log}/`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      await res.arrayBuffer();
      return res.status;
    };
    // Seven seconds of traffic, a batch every 250 ms, so every rate() window of the scrape has samples.
    for (let tick = 0; tick < 28; tick++) {
      expect(await post(batchFor(tick, entries))).toBe(200);
      await sleep(250);
    }
    // Two elements that are no Kong entry beside a good one: the batch is taken, the two counted as rejected.
    expect(await post([entries[0], 1, 'not an entry'])).toBe(200);
    await waitFor('three scrape jobs up', async () => ((await prometheus!.query('count(up == 1)'))[0]?.value === 3 ? true : undefined), 20_000, 250);
    await sleep(2 * SCRAPE_SECONDS * 1000);
    window = { start, end: Math.ceil(Date.now() / 1000), stepSeconds: SCRAPE_SECONDS };
  });

  afterAll(async () => {
    await prometheus?.stop();
    await kongtel?.stop('SIGTERM');
    await backend?.stop();
  });

  /** Every variable's values (its label_values() over the window), in the dashboard's order, and what "All" becomes. */
  async function substitutions(d: Dashboard): Promise<{ values: Record<string, string>; empty: string[] }> {
    const range = window.end - window.start;
    const values: Record<string, string> = builtins({ scrapeSeconds: SCRAPE_SECONDS, intervalSeconds: SCRAPE_SECONDS, rangeSeconds: range });
    const empty: string[] = [];
    for (const v of d.variables) {
      const { match, label } = parseLabelValues(v.query);
      const found = await labelValues(prometheus!.url, label, match === undefined ? undefined : interpolate(match, values), window);
      if (found.length === 0) empty.push(v.name);
      values[v.name] = allValueOf(v, found);
    }
    return { values, empty };
  }

  for (const { file, kongOnly, kongOnlyVariables } of DASHBOARDS) {
    const d = readDashboard(file);
    it(`${d.title}: label_values() of every variable returns values, except ${Object.keys(kongOnlyVariables).join(', ') || 'none'}`, async () => {
      const { empty } = await substitutions(d);
      expect(empty).toEqual(Object.keys(kongOnlyVariables));
    });

    it(`${d.title}: all ${d.queries.length} panel queries return data, except the ${Object.keys(kongOnly).length} panels only Kong can feed`, async () => {
      const { values } = await substitutions(d);
      const blank: { panel: string; expr: string }[] = [];
      for (const q of d.queries) {
        const expr = interpolate(q.expr, values);
        if ((await seriesWithData(prometheus!.url, expr, window)) === 0) blank.push({ panel: q.panel, expr });
      }
      console.log(`${d.title}: ${d.queries.length - blank.length} of ${d.queries.length} panel queries return data`);
      const blankPanels = [...new Set(blank.map((b) => b.panel))].sort();
      expect(blankPanels, JSON.stringify(blank, null, 1)).toEqual(Object.keys(kongOnly).sort());
    });
  }
});
