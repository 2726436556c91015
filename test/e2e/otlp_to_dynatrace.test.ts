import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KongEntryGenerator, type GeneratedEntry } from '../../bench/kong_entries.js';
import { startKongtel, type RunningProcess } from '../support/processes.js';
import { DynatraceStandIn } from '../support/stand_ins/dynatrace.js';
import { OtlpStandIn } from '../support/stand_ins/otlp_http.js';
import type { ReceivedMetrics } from '../support/otlp/received.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';
import { tempDir } from '../support/temp.js';

/**
 * Issue 3 end to end through the real CLI: Kong http-log → kong_metrics (cumulative) → cumulativetodelta
 * → otlphttp → a Dynatrace stand-in built from Dynatrace's documented behaviour (protobuf only,
 * Api-Token, delta only), which decodes with protobufjs against the OTLP proto, not kongtel's encoder.
 */

interface Ports {
  log: number;
  health: number;
}

function config(ports: Ports, exporter: string, processors = '[kong_metrics, cumulativetodelta]'): string {
  return `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${ports.log}
processors:
  kong_metrics:
    interval: 500ms
  cumulativetodelta:
    max_staleness: 25h
exporters:
${exporter}
extensions:
  health_check:
    endpoint: 127.0.0.1:${ports.health}
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: ${processors}
      exporters: [otlphttp]
`;
}

function dynatraceExporter(dt: DynatraceStandIn, extra = ''): string {
  return `  otlphttp:
    endpoint: ${dt.endpoint}
    headers:
      Authorization: "Api-Token \${env:DT_API_TOKEN}"
    retry_on_failure:
      initial_interval: 100ms
      max_interval: 500ms
${extra}`;
}

async function postAll(port: number, entries: readonly GeneratedEntry[], batch = 100): Promise<void> {
  for (let i = 0; i < entries.length; i += batch) {
    const body = JSON.stringify(entries.slice(i, i + batch).map((g) => g.entry));
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`http-log POST answered ${res.status}`);
  }
}

/** What a delta backend must add up to, computed from the generated input alone. */
function expectTotals(received: ReceivedMetrics, entries: readonly GeneratedEntry[]): void {
  expect(received.total('http.server.request.count')).toBe(entries.length);
  const ai = entries.filter((g) => g.ai);
  const input = ai.reduce((s, g) => s + (g.ai?.promptTokens ?? 0), 0);
  const output = ai.reduce((s, g) => s + (g.ai?.completionTokens ?? 0), 0);
  expect(received.total('gen_ai.client.token.usage', { 'gen_ai.token.type': 'input' })).toBe(input);
  expect(received.total('gen_ai.client.token.usage', { 'gen_ai.token.type': 'output' })).toBe(output);
  expect(received.total('kong.gen_ai.llm.cost')).toBeCloseTo(ai.reduce((s, g) => s + (g.ai?.cost ?? 0), 0), 9);
  const latency = received.histogramTotal('kong.latency.total');
  expect(latency.count).toBe(entries.length);
  expect(latency.sum).toBeCloseTo(entries.reduce((s, g) => s + g.requestMs / 1000, 0), 6);
  const under100ms = entries.filter((g) => g.requestMs <= 100).length;
  const le100 = latency.explicitBounds.indexOf(0.1);
  expect(latency.bucketCounts.slice(0, le100 + 1).reduce((a, b) => a + b, 0)).toBe(under100ms);
}

describe('kong_metrics → cumulativetodelta → otlphttp → Dynatrace (stand-in)', () => {
  const running: { stop(signal?: NodeJS.Signals): Promise<number | null> }[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop('SIGKILL');
  });

  async function start(yaml: string, ports: Ports, env: NodeJS.ProcessEnv = {}): Promise<RunningProcess> {
    const k = await startKongtel(yaml, ports.health, env);
    running.push(k);
    return k;
  }

  it('delivers exact delta totals, protobuf + gzip with the Api-Token, never a cumulative point', async () => {
    const dt = await new DynatraceStandIn({ token: 'dt0c01.E2E' }).start();
    running.push({ stop: async () => (await dt.stop(), 0) });
    const ports = { log: await freePort(), health: await freePort() };
    const kongtel = await start(config(ports, dynatraceExporter(dt)), ports, { DT_API_TOKEN: 'dt0c01.E2E' });
    const entries = new KongEntryGenerator(3).many(2000, 0.5);
    await postAll(ports.log, entries.slice(0, 1000));
    await new Promise((r) => setTimeout(r, 700)); // let one interval pass between the halves
    await postAll(ports.log, entries.slice(1000));
    await waitFor('all 2000 requests at the backend', async () => (dt.received.total('http.server.request.count') === 2000 ? true : undefined), 20_000);
    expect(await kongtel.stop('SIGTERM')).toBe(0);

    expectTotals(dt.received, entries);
    expect(dt.everCumulative).toBe(false);
    expect(dt.received.metrics.every((m) => m.type === 'gauge' || m.temporality === 'delta')).toBe(true);
    expect(dt.requests.length).toBeGreaterThan(1);
    for (const r of dt.requests) {
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(r.headers['content-type']).toBe('application/x-protobuf');
      expect(r.headers.authorization).toBe('Api-Token dt0c01.E2E');
    }
    expect(kongtel.output()).not.toContain('dt0c01.E2E');
  });

  it('503 with Retry-After on the first requests: everything still arrives exactly once', async () => {
    const dt = await new DynatraceStandIn({ token: 't' }).start();
    running.push({ stop: async () => (await dt.stop(), 0) });
    dt.server.failNext(3, { status: 503, headers: { 'retry-after': '1' }, body: 'busy' });
    const ports = { log: await freePort(), health: await freePort() };
    const kongtel = await start(config(ports, dynatraceExporter(dt)), ports, { DT_API_TOKEN: 't' });
    const entries = new KongEntryGenerator(4).many(1000, 0.5);
    await postAll(ports.log, entries);
    await waitFor('all 1000 requests at the backend', async () => (dt.received.total('http.server.request.count') === 1000 ? true : undefined), 20_000);
    expect(await kongtel.stop('SIGTERM')).toBe(0);
    expectTotals(dt.received, entries);
    expect(dt.requests.filter((r) => r.status === 503).length).toBe(3);
  });

  it('backend down for 30 s while entries keep coming, kongtel killed -9 and restarted in the middle: exact totals', async () => {
    const dt = await new DynatraceStandIn({ token: 't' }).start();
    running.push({ stop: async () => (await dt.stop(), 0) });
    const storage = tempDir('queue');
    const ports = { log: await freePort(), health: await freePort() };
    const yaml = config(ports, dynatraceExporter(dt, `    sending_queue:\n      storage: file_storage\n`))
      .replace('extensions:\n  health_check:', `extensions:\n  file_storage:\n    directory: ${storage}\n  health_check:`)
      .replace('extensions: [health_check]', 'extensions: [health_check, file_storage]');
    const entries = new KongEntryGenerator(5).many(3000, 0.5);

    await dt.server.goDown();
    const downSince = Date.now();
    let kongtel = await start(yaml, ports, { DT_API_TOKEN: 't' });
    for (let i = 0; i < 1500; i += 300) {
      await postAll(ports.log, entries.slice(i, i + 300));
      await new Promise((r) => setTimeout(r, 400));
    }
    // Every accepted entry has been emitted into the persistent queue after two intervals.
    await new Promise((r) => setTimeout(r, 1200));
    expect(readdirSync(join(storage, 'otlphttp')).length).toBeGreaterThan(0);
    expect(await kongtel.stop('SIGKILL')).toBe(null);

    kongtel = await start(yaml, ports, { DT_API_TOKEN: 't' });
    for (let i = 1500; i < 3000; i += 300) {
      await postAll(ports.log, entries.slice(i, i + 300));
      await new Promise((r) => setTimeout(r, 400));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - downSince))));
    await dt.server.comeUp();
    await waitFor('all 3000 requests at the backend', async () => (dt.received.total('http.server.request.count') >= 3000 ? true : undefined), 30_000, 250);
    expect(await kongtel.stop('SIGTERM')).toBe(0);
    expectTotals(dt.received, entries);
    expect(dt.everCumulative).toBe(false);
    // covered.json (the queue's own bookkeeping) stays; no request file may.
    expect(readdirSync(join(storage, 'otlphttp')).filter((f) => f.endsWith('.req'))).toEqual([]);
  }, 90_000);

  it('a 400 from the backend is permanent: no retry, one error quoting the backend', async () => {
    // Without cumulativetodelta the cumulative data is what Dynatrace refuses with 400.
    const dt = await new DynatraceStandIn({ token: 't' }).start();
    running.push({ stop: async () => (await dt.stop(), 0) });
    const ports = { log: await freePort(), health: await freePort() };
    const kongtel = await start(config(ports, dynatraceExporter(dt), '[kong_metrics]'), ports, { DT_API_TOKEN: 't' });
    await postAll(ports.log, new KongEntryGenerator(6).many(100, 0));
    await waitFor('a request at the backend', async () => (dt.requests.length > 0 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500));
    expect(await kongtel.stop('SIGTERM')).toBe(0);
    // One request per emission (every 500 ms, plus the last on shutdown), each answered 400, none retried.
    expect(dt.requests.every((r) => r.status === 400)).toBe(true);
    expect(dt.requests.length).toBeLessThanOrEqual(6);
    expect(dt.received.pointCount()).toBe(0);
    expect(kongtel.output()).toContain('UNSUPPORTED_METRIC_TYPE_MONOTONIC_CUMULATIVE_SUM');
  });

  it('SIGTERM flushes what kong_metrics holds through the pipeline and waits for the exporter', async () => {
    const dt = await new DynatraceStandIn({ token: 't' }).start();
    running.push({ stop: async () => (await dt.stop(), 0) });
    dt.server.delayResponses(300);
    const ports = { log: await freePort(), health: await freePort() };
    // An hour-long interval: only the shutdown emission can deliver these entries.
    const yaml = config(ports, dynatraceExporter(dt)).replace('interval: 500ms', 'interval: 1h');
    const kongtel = await start(yaml, ports, { DT_API_TOKEN: 't' });
    const entries = new KongEntryGenerator(9).many(700, 0.5);
    await postAll(ports.log, entries);
    expect(dt.requests.length).toBe(0);
    expect(await kongtel.stop('SIGTERM')).toBe(0);
    expectTotals(dt.received, entries);
    expect(kongtel.output()).toContain('"clean":true');
  });

  it('JSON encoding is accepted by a JSON-decoding OTLP endpoint', async () => {
    const otlp = await new OtlpStandIn({ accept: ['json'] }).start();
    running.push({ stop: async () => (await otlp.stop(), 0) });
    const ports = { log: await freePort(), health: await freePort() };
    const kongtel = await start(config(ports, `  otlphttp:\n    endpoint: ${otlp.endpoint}\n    encoding: json\n    compression: none\n`), ports);
    const entries = new KongEntryGenerator(8).many(500, 0.5);
    await postAll(ports.log, entries);
    await waitFor('all 500 requests at the backend', async () => (otlp.received.total('http.server.request.count') === 500 ? true : undefined));
    expect(await kongtel.stop('SIGTERM')).toBe(0);
    expectTotals(otlp.received, entries);
    expect(otlp.requests.every((r) => r.headers['content-type'] === 'application/json')).toBe(true);
  });
});
