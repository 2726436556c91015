import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKongtel, type RunningProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { DynatraceStandIn } from '../support/stand_ins/dynatrace.js';
import type { ReceivedMetric } from '../support/otlp/received.js';
import { waitFor } from '../support/wait.js';

/**
 * Dynatrace's Kong dashboard queries what the OpenTelemetry Collector's `prometheus` receiver makes of
 * Kong's /metrics, after `cumulativetodelta` (the guide's setup, otel-facts.md §2). The receiver, per its
 * source (contrib receiver/prometheusreceiver, v0.144+ which the guide's `otlp_http` key needs; notes in
 * the lead's research: `metadataForMetric`, `appendMetric`, `trim_metric_suffixes` off by default):
 * keeps each family's name as Kong prints it (`_total` included), sets no unit (Kong prints no `# UNIT`),
 * takes HELP as the description, makes counters monotonic Sums and histograms explicit-bucket Histograms
 * with Kong's `le` bounds, and gives each point Kong's labels minus `job`/`instance` and minus those whose
 * value is empty. Here kongtel makes those metrics from the log entries (`naming: kong`), and the bytes a
 * Dynatrace stand-in receives (decoded against the OTLP proto, delta only, as Dynatrace accepts) must be
 * exactly that for the same requests, counted here the way Kong's plugin counts them.
 */

const FIXTURES = new URL('../testdata/kong/', import.meta.url);
const load = (name: string): Record<string, unknown>[] => {
  const v = JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as unknown;
  return (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
};

const ENTRIES: Record<string, unknown>[] = [
  ...load('kong-3.8-plain.json'),
  ...load('kong-3.8-401-from-kong-transcribed.json'),
  ...load('ai-3.10-proxy-openai-chat-transcribed.json'),
  ...load('ai-3.10ee-semantic-cache-hit-transcribed.json'),
  ...load('ai-docs-3.14-llm-full-transcribed.json'),
  ...load('mcp-docs-3.13-transcribed.json'),
  // Kong's plugin skips an entry without a route.
  { ...load('kong-3.8-plain.json')[0], route: undefined },
].flatMap((e) => [e, e, e]);

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const or = (a: unknown, b: unknown): unknown => (a === undefined || a === null ? b : a);

/** A series Kong's page would print: family, labels (with Kong's ""), value. */
interface KongSeries {
  family: string;
  labels: Record<string, string>;
  value: number;
}

/** Kong's plugin over the entries (exporter.lua log(), Kong/kong@22246ef2), written out for this test. */
function kongPlugin(entries: readonly Json[]): KongSeries[] {
  const out = new Map<string, KongSeries>();
  const add = (family: string, labels: Record<string, string>, v: number): void => {
    const key = `${family}${JSON.stringify(labels)}`;
    const s = out.get(key) ?? { family, labels, value: 0 };
    s.value += v;
    out.set(key, s);
  };
  for (const e of entries) {
    const route = e.route;
    if (route === undefined) continue;
    const r = obj(route);
    const s = obj(e.service);
    const service = str(or(s.name, s.host));
    const routeName = str(or(r.name, r.id));
    const workspace = str(e.workspace_name);
    const consumer = str(obj(e.consumer).username);
    const response = obj(e.response);
    const request = obj(e.request);
    const source = e.source === 'upstream' ? 'service' : 'kong';
    add('kong_http_requests_total', { service, route: routeName, code: str(response.status), source, workspace, consumer }, 1);
    for (const [direction, size] of [['ingress', request.size], ['egress', response.size]] as const) {
      if (typeof size === 'number' && size > 0) add('kong_bandwidth_bytes', { service, route: routeName, direction, workspace, consumer }, size);
    }
    for (const [name, call] of Object.entries(obj(e.ai))) {
      const c = obj(call);
      if (name === 'mcp' || (c.meta === undefined && c.usage === undefined)) continue;
      const meta = obj(c.meta);
      const usage = obj(c.usage);
      const cache = obj(c.cache);
      const ai = {
        ai_provider: str(meta.provider_name), ai_model: str(meta.request_model), cache_status: str(cache.cache_status),
        vector_db: str(cache.vector_db), embeddings_provider: str(cache.embeddings_provider), embeddings_model: str(cache.embeddings_model),
      };
      add('kong_ai_llm_requests_total', { ...ai, workspace, consumer, request_mode: str(meta.request_mode) }, 1);
      for (const type of ['prompt_tokens', 'completion_tokens', 'total_tokens'] as const) {
        const n = usage[type];
        if (typeof n === 'number' && n > 0) add('kong_ai_llm_tokens_total', { ...ai, token_type: type, workspace, consumer }, n);
      }
    }
  }
  return [...out.values()];
}

/** What the Collector's prometheus receiver makes of a series' labels: the empty ones are dropped. */
function receiverAttributes(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
}

describe('Kong names over OTLP: what the Collector’s prometheus receiver + cumulativetodelta would send to Dynatrace', () => {
  let kongtel: RunningProcess;
  let dt: DynatraceStandIn;
  const TOKEN = 'dt0c01.KONGNAMES.SECRET';

  beforeAll(async () => {
    dt = await new DynatraceStandIn({ token: TOKEN }).start();
    const [logPort, healthPort] = [await freePort(), await freePort()];
    kongtel = await startKongtel(
      `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${logPort}
processors:
  kong_metrics:
    interval: 1s
    naming: kong
  cumulativetodelta:
    max_staleness: 25h
exporters:
  otlp_http:
    endpoint: \${env:DT_ENDPOINT}
    headers:
      Authorization: "Api-Token \${env:DT_API_TOKEN}"
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" }, resource: { service.name: kong } }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics, cumulativetodelta]
      exporters: [otlp_http]
`,
      healthPort,
      { DT_ENDPOINT: dt.endpoint, DT_API_TOKEN: TOKEN },
    );
    const res = await fetch(`http://127.0.0.1:${logPort}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ENTRIES) });
    expect(res.status).toBe(200);
    const expected = kongPlugin(ENTRIES).filter((s) => s.family === 'kong_http_requests_total').reduce((t, s) => t + s.value, 0);
    await waitFor('every request at the stand-in', async () => (dt.received.total('kong_http_requests_total') === expected ? true : undefined), 20_000, 200);
    expect(await kongtel.stop('SIGTERM')).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await kongtel?.stop('SIGKILL');
    await dt?.stop();
  });

  const metrics = (name: string): ReceivedMetric[] => dt.received.named(name);

  /** Received values per attribute set, deltas added up. */
  function totals(name: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const p of dt.received.points(name)) {
      const key = JSON.stringify(Object.fromEntries(Object.entries(p.attributes).sort()));
      out.set(key, (out.get(key) ?? 0) + (p.value ?? 0));
    }
    return out;
  }

  function expectedTotals(name: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const s of kongPlugin(ENTRIES).filter((x) => x.family === name)) {
      const key = JSON.stringify(Object.fromEntries(Object.entries(receiverAttributes(s.labels)).sort()));
      out.set(key, (out.get(key) ?? 0) + s.value);
    }
    return out;
  }

  for (const family of ['kong_http_requests_total', 'kong_bandwidth_bytes', 'kong_ai_llm_requests_total', 'kong_ai_llm_tokens_total']) {
    it(`${family}: Kong's name, a delta monotonic Sum with no unit, Kong's labels minus the empty ones, Kong's totals`, () => {
      const ms = metrics(family);
      expect(ms.length).toBeGreaterThan(0);
      for (const m of ms) expect({ type: m.type, temporality: m.temporality, monotonic: m.monotonic, unit: m.unit }).toEqual({ type: 'sum', temporality: 'delta', monotonic: true, unit: '' });
      expect(totals(family)).toEqual(expectedTotals(family));
    });
  }

  it("kong_request_latency_ms: a delta Histogram in ms with Kong's bounds, no unit, Kong's HELP as description", () => {
    const ms = metrics('kong_request_latency_ms');
    expect(ms.length).toBeGreaterThan(0);
    for (const m of ms) {
      expect({ type: m.type, temporality: m.temporality, unit: m.unit }).toEqual({ type: 'histogram', temporality: 'delta', unit: '' });
      expect(m.description).toBe('Total latency incurred during requests for each service/route in Kong');
    }
    const h = dt.received.histogramTotal('kong_request_latency_ms', { service: 'example_service', route: 'example_route' });
    expect(h.explicitBounds).toEqual([25, 50, 80, 100, 250, 400, 700, 1000, 2000, 5000, 10000, 30000, 60000]);
    const counted = ENTRIES.filter((e) => e.route !== undefined && obj(e.service).name === 'example_service' && obj(e.route).name === 'example_route');
    const latencies = counted.map((e) => obj(e.latencies).request).filter((v): v is number => typeof v === 'number' && v >= 0);
    expect(h.count).toBe(latencies.length);
    expect(h.sum).toBe(latencies.reduce((a, b) => a + b, 0));
  });

  it('no OTel-named twin is sent beside the Kong family, and the resource names the job as the receiver would', () => {
    expect(metrics('http.server.request.count')).toEqual([]);
    expect(metrics('kong.latency.total')).toEqual([]);
    expect(metrics('gen_ai.client.token.usage')).toEqual([]);
    expect(metrics('kong_http_requests_total')[0].resource['service.name']).toBe('kong');
    expect(dt.everCumulative).toBe(false);
    expect(kongtel.output()).not.toContain(TOKEN);
  });
});
