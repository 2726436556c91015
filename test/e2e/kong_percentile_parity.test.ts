import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKongtel, startPrometheus, type PrometheusServer, type RunningProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * Kong's dashboards compute percentiles with `histogram_quantile` over Kong's own bucket layout. With
 * `naming: kong` on kong_metrics, a real Prometheus computing them over kongtel's series must get exactly
 * what it would get over Kong's plugin fed with the same requests. The expectation is computed here from
 * the raw latencies, Kong's bounds (copied from Kong/kong@22246ef2 kong/plugins/prometheus/exporter.lua,
 * not from kongtel's code) and Prometheus' interpolation. A second pipeline, kongtel's OpenTelemetry
 * instruments renamed by the exporter alone, shows why the processor's naming is needed: its buckets are
 * kongtel's, and so is its p90.
 */

const UPSTREAM_LATENCY_BUCKETS = [25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000];
const KONG_LATENCY_BUCKETS = [1, 2, 5, 7, 10, 15, 20, 30, 50, 75, 100, 200, 500, 750, 1000, 3000, 6000];
/** metric-mapping.md's latency bounds, × 1000. */
const KONGTEL_LATENCY_BOUNDS = [5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000, 30000, 60000];

/** Prometheus' histogram_quantile over classic buckets (promql/quantile.go `bucketQuantile`). */
function histogramQuantile(q: number, bounds: readonly number[], values: readonly number[]): number {
  const cumulative = bounds.map((b) => values.filter((v) => v <= b).length);
  const total = values.length;
  const rank = q * total;
  const i = cumulative.findIndex((c) => c >= rank);
  if (i === -1) return bounds[bounds.length - 1];
  const lower = i === 0 ? 0 : bounds[i - 1];
  const below = i === 0 ? 0 : cumulative[i - 1];
  return lower + ((bounds[i] - lower) * (rank - below)) / (cumulative[i] - below);
}

/** A fixed pseudo-random sequence (mulberry32), so the latencies are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Latencies {
  request: number;
  kong: number;
  proxy: number;
}

const next = random(11);
const LATENCIES: Latencies[] = Array.from({ length: 600 }, () => {
  const kong = Math.round(1 + 12 * -Math.log(1 - next()));
  const proxy = Math.round(5 + 180 * -Math.log(1 - next()));
  return { request: kong + proxy + Math.round(3 * next()), kong, proxy };
});

function entry(l: Latencies): Record<string, unknown> {
  return {
    request: { method: 'GET', uri: '/orders', size: 120 },
    response: { status: 200, size: 900 },
    latencies: { request: l.request, kong: l.kong, proxy: l.proxy },
    service: { name: 'orders' },
    route: { name: 'orders-route' },
    workspace_name: 'default',
    source: 'upstream',
    upstream_status: '200',
  };
}

describe('percentiles over naming: kong equal those over Kong’s own buckets (real Prometheus)', () => {
  let kongtel: RunningProcess;
  let prometheus: PrometheusServer;

  beforeAll(async () => {
    const [logPort, kongPort, renamedPort, healthPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    kongtel = await startKongtel(
      `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${logPort}
processors:
  kong_metrics/kong:
    interval: 1s
    naming: kong
  kong_metrics:
    interval: 1s
exporters:
  prometheus/kong:
    endpoint: 127.0.0.1:${kongPort}
    naming: kong
  prometheus/renamed:
    endpoint: 127.0.0.1:${renamedPort}
    naming: kong
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics/kong:
      receivers: [kong_http_log]
      processors: [kong_metrics/kong]
      exporters: [prometheus/kong]
    metrics/renamed:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [prometheus/renamed]
`,
      healthPort,
    );
    const jobs = (name: string, port: number) => `  - job_name: ${name}\n    static_configs:\n      - targets: ["127.0.0.1:${port}"]\n`;
    prometheus = await startPrometheus([], '1s', jobs('kong', kongPort) + jobs('renamed', renamedPort));
    for (let i = 0; i < LATENCIES.length; i += 100) {
      const res = await fetch(`http://127.0.0.1:${logPort}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(LATENCIES.slice(i, i + 100).map(entry)),
      });
      expect(res.status).toBe(200);
    }
    const p = prometheus;
    await waitFor('both jobs scraped every request', async () => {
      const rows = await p.query('kong_request_latency_ms_count');
      return rows.length === 2 && rows.every((r) => r.value === LATENCIES.length) ? true : undefined;
    }, 30_000, 250);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await kongtel?.stop('SIGKILL');
  });

  const quantile = async (q: number, family: string, job: string): Promise<number> => {
    const rows = await prometheus.query(`histogram_quantile(${q}, sum by (le) (${family}_bucket{job="${job}"}))`);
    expect(rows).toHaveLength(1);
    return rows[0].value;
  };

  const CASES: [string, keyof Latencies, readonly number[]][] = [
    ['kong_request_latency_ms', 'request', UPSTREAM_LATENCY_BUCKETS],
    ['kong_upstream_latency_ms', 'proxy', UPSTREAM_LATENCY_BUCKETS],
    ['kong_kong_latency_ms', 'kong', KONG_LATENCY_BUCKETS],
  ];

  for (const [family, field, bounds] of CASES) {
    for (const q of [0.5, 0.9, 0.99]) {
      it(`${family}: histogram_quantile(${q}) is Kong's`, async () => {
        const values = LATENCIES.map((l) => l[field]);
        expect(await quantile(q, family, 'kong')).toBeCloseTo(histogramQuantile(q, bounds, values), 9);
      });
    }
  }

  it("the exporter's renaming alone keeps kongtel's buckets, and its p90 is not Kong's", async () => {
    const values = LATENCIES.map((l) => l.request);
    const renamed = await quantile(0.9, 'kong_request_latency_ms', 'renamed');
    expect(renamed).toBeCloseTo(histogramQuantile(0.9, KONGTEL_LATENCY_BOUNDS, values), 9);
    expect(Math.abs(renamed - histogramQuantile(0.9, UPSTREAM_LATENCY_BUCKETS, values))).toBeGreaterThan(1);
  });

  it('sum and count are the same in both, whatever the buckets', async () => {
    const sums = await prometheus.query('kong_request_latency_ms_sum');
    const total = LATENCIES.reduce((s, l) => s + l.request, 0);
    expect(sums.map((r) => r.value)).toEqual([total, total]);
  });
});
