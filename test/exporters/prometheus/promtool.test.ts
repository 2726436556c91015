import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningHost } from '../../support/context.js';
import { T0, batchOf, gauge, harness, histogram, hv, resourceMetrics, sum, type Harness } from './builders.js';
import { httpCall } from './http_client.js';
import { kongMetricsBatch } from './kong_fixture.js';
import { metricBatch } from '../../../core/index.js';

/**
 * `promtool check metrics` (Prometheus' own linter, strict about suffixes, units and metadata) on what a
 * real scrape of the exporter returns. Prometheus is installed by `apt-get install -y prometheus`; a run
 * outside CI skips with the reason when promtool is missing, CI=true fails.
 */

const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
const APT_LOG = '/tmp/apt-prom.log';

/** Waits (bounded) while the background install is still running. */
async function promtoolReady(): Promise<boolean> {
  for (let waited = 0; waited < 45_000; waited += 2000) {
    if (existsSync(PROMTOOL)) return true;
    const installing = existsSync(APT_LOG) && !/\bdone\s*$/.test(readFileSync(APT_LOG, 'utf8'));
    if (!installing) break;
    await sleep(2000);
  }
  return existsSync(PROMTOOL);
}

const available = await promtoolReady();
const reason = `promtool not found at ${PROMTOOL} (install Prometheus: apt-get install -y prometheus, or set PROMTOOL)`;
if (!available) {
  if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
  console.warn(`skipping promtool tests: ${reason}`);
}

interface Check {
  code: number | null;
  problems: string[];
}

function promtoolCheck(exposition: string): Check {
  const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 30_000 });
  const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim() !== '');
  return { code: r.status, problems };
}

const started: Harness[] = [];

async function scrape(config: Record<string, unknown>, ...batches: ReturnType<typeof batchOf>[]): Promise<string> {
  const h = harness(config);
  await h.exporter.start(runningHost);
  started.push(h);
  for (const b of batches) await h.exporter.consume(b);
  const reply = await httpCall(h.exporter.address.port, '/metrics');
  expect(reply.status).toBe(200);
  return reply.body.toString('utf8');
}

afterAll(async () => {
  for (const h of started.splice(0)) await h.exporter.shutdown();
});

describe.skipIf(!available)('promtool check metrics on real scrapes', () => {
  beforeAll(() => {
    // A linter that cannot fail proves nothing: it must flag a known-bad exposition.
    const bad = promtoolCheck('# HELP requests x\n# TYPE requests counter\nrequests 1\n');
    expect(bad.problems).toEqual(['requests counter metrics should have "_total" suffix']);
  });

  it.each([
    ['defaults', {}],
    ['namespace, const_labels, resource_to_telemetry_conversion', { namespace: 'kongtel', const_labels: { region: 'eu-west' }, resource_to_telemetry_conversion: { enabled: true } }],
    ['without target_info and scope labels', { without_target_info: true, without_scope_info: true }],
  ])('naming: otel (%s): nothing to report', async (_name, config) => {
    const text = await scrape(config, kongMetricsBatch('cumulative'), kongMetricsBatch('cumulative'));
    expect(text.length).toBeGreaterThan(10_000);
    expect(promtoolCheck(text)).toEqual({ code: 0, problems: [] });
  });

  it('naming: otel, delta input from two resources: nothing to report', async () => {
    const other = metricBatch([
      resourceMetrics([sum('http.server.request.count', '{request}', [{ value: 4 }], { temporality: 'delta' })], {
        resource: { 'service.name': 'kong', 'service.namespace': 'edge', 'service.instance.id': 'kong-1', 'host.name': 'node-a' },
      }),
    ]);
    const text = await scrape({}, kongMetricsBatch('delta'), kongMetricsBatch('delta'), other);
    expect(text).toContain('target_info{host_name="node-a",job="edge/kong",instance="kong-1"} 1');
    expect(promtoolCheck(text)).toEqual({ code: 0, problems: [] });
  });

  it('naming: otel, hostile names, label values and help texts still parse cleanly', async () => {
    const text = await scrape(
      {},
      batchOf(
        gauge('1st.odd-name/with spaces', '%', [{ attrs: { 'a.b': 'x', a_b: 'y', '9lives': 'cat', q: 'say "hi"\\ or\nnot' }, value: 1.5 }], 'help with \\ and\nnewline'),
        sum('ünïcode.metric', 'By/s', [{ attrs: { 'ключ': 'значение' }, value: 3, at: T0 }], { monotonic: false }),
        histogram('weird.bounds', '{thing}', [{ attrs: { le: 'attribute named le' }, value: hv([-1, 0, 1e-9, 1e21], [1, 2, 3, 4, 5], 7) }]),
      ),
    );
    expect(promtoolCheck(text)).toEqual({ code: 0, problems: [] });
  });

  it('naming: kong: parses; the only findings are the ones Kong\'s own family names carry', async () => {
    const text = await scrape({ naming: 'kong' }, kongMetricsBatch('cumulative'));
    // Kong's dashboards query these exact names, so they are kept as Kong writes them.
    expect(promtoolCheck(text)).toEqual({
      code: 3,
      problems: [
        'kong_ai_cache_embeddings_latency_ms metric names should not contain abbreviated units',
        'kong_ai_cache_fetch_latency_ms metric names should not contain abbreviated units',
        'kong_ai_llm_provider_latency_ms metric names should not contain abbreviated units',
        'kong_ai_mcp_latency_ms metric names should not contain abbreviated units',
        'kong_bandwidth_bytes counter metrics should have "_total" suffix',
        'kong_kong_latency_ms metric names should not contain abbreviated units',
        'kong_request_latency_ms metric names should not contain abbreviated units',
        'kong_upstream_latency_ms metric names should not contain abbreviated units',
      ],
    });
  });
});
