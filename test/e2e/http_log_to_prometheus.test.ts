import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KongEntryGenerator, type GeneratedEntry } from '../../bench/kong_entries.js';
import { startKongtel, startPrometheus, type PrometheusServer, type RunningProcess } from '../support/processes.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * The product's spine, end to end through the real CLI: Kong http-log POSTs (batched and single, plain
 * and gzip, with some bad elements) → kong_http_log → kong_metrics → prometheus exporter, scraped every
 * second by a real Prometheus server and checked over its HTTP API against totals computed from the input.
 */
describe('kong_http_log → kong_metrics → prometheus, scraped by a real Prometheus', () => {
  let kongtel: RunningProcess;
  let prometheus: PrometheusServer;
  let logPort: number;
  let promPort: number;
  const generated: GeneratedEntry[] = new KongEntryGenerator(2026).many(3000, 0.5);

  beforeAll(async () => {
    [logPort, promPort] = [await freePort(), await freePort()];
    const healthPort = await freePort();
    kongtel = await startKongtel(
      `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${logPort}
processors:
  kong_metrics:
    interval: 1s
exporters:
  prometheus:
    endpoint: 127.0.0.1:${promPort}
extensions:
  health_check:
    endpoint: 127.0.0.1:${healthPort}
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [prometheus]
`,
      healthPort,
    );
    prometheus = await startPrometheus([`127.0.0.1:${promPort}`]);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await kongtel?.stop('SIGKILL');
  });

  async function post(body: string | Buffer, headers: Record<string, string> = {}): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${logPort}/`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    await res.arrayBuffer();
    return res.status;
  }

  it('counts every entry exactly: batches, singles, gzip, and the good entries of a mixed batch', async () => {
    const entries = generated.map((g) => g.entry);
    const statuses: number[] = [];
    // 2000 entries as 20 batches of 100, four at a time, as Kong's per-worker queues send them.
    for (let i = 0; i < 2000; i += 400) {
      statuses.push(...(await Promise.all([0, 100, 200, 300].map((o) => post(JSON.stringify(entries.slice(i + o, i + o + 100)))))));
    }
    // 500 single objects (queue.max_batch_size = 1, Kong's default).
    for (let i = 2000; i < 2500; i += 50) {
      statuses.push(...(await Promise.all(entries.slice(i, i + 50).map((e) => post(JSON.stringify(e))))));
    }
    // 400 in gzip'd batches.
    for (let i = 2500; i < 2900; i += 100) {
      statuses.push(await post(gzipSync(JSON.stringify(entries.slice(i, i + 100))), { 'content-encoding': 'gzip' }));
    }
    // 100 good entries with three bad elements among them: 200, and the good ones count.
    const mixed: unknown[] = [...entries.slice(2900, 3000)];
    mixed.splice(10, 0, 42);
    mixed.splice(50, 0, null);
    mixed.splice(70, 0, { hello: 'world' });
    statuses.push(await post(JSON.stringify(mixed)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Malformed bodies are refused and change nothing.
    expect(await post('{"request": ')).toBe(400);
    expect(await post('"just a string"')).toBe(400);

    const value = async (expr: string) => (await prometheus.query(expr))[0]?.value;
    await waitFor('Prometheus to see all 3000 requests', async () => ((await value('sum(http_server_request_count_total)')) === 3000 ? true : undefined), 30_000, 500);

    const byService = new Map<string, number>();
    for (const g of generated) byService.set(g.service, (byService.get(g.service) ?? 0) + 1);
    const perService = await prometheus.query('sum by (kong_service_name) (http_server_request_count_total)');
    expect(Object.fromEntries(perService.map((r) => [r.metric.kong_service_name, r.value]))).toEqual(Object.fromEntries(byService));

    const errors5xx = generated.filter((g) => g.status >= 500).length;
    expect(await value('sum(http_server_request_count_total{kong_response_status_code=~"5.."})')).toBe(errors5xx);

    expect(await value('sum(kong_latency_total_seconds_count)')).toBe(3000);
    const latencySum = generated.reduce((s, g) => s + g.requestMs / 1000, 0);
    expect(await value('sum(kong_latency_total_seconds_sum)')).toBeCloseTo(latencySum, 6);
    const under100ms = generated.filter((g) => g.requestMs / 1000 <= 0.1).length;
    expect(await value('sum(kong_latency_total_seconds_bucket{le="0.1"})')).toBe(under100ms);
    expect(await value('sum(http_server_request_size_bytes_sum)')).toBe(generated.reduce((s, g) => s + g.requestSize, 0));

    const ai = generated.filter((g) => g.ai);
    const input = ai.reduce((s, g) => s + (g.ai?.promptTokens ?? 0), 0);
    const output = ai.reduce((s, g) => s + (g.ai?.completionTokens ?? 0), 0);
    expect(await value('sum(gen_ai_client_token_usage_total{gen_ai_token_type="input"})')).toBe(input);
    expect(await value('sum(gen_ai_client_token_usage_total{gen_ai_token_type="output"})')).toBe(output);
    expect(await value('sum(gen_ai_client_token_usage_total{gen_ai_token_type="total"})')).toBe(input + output);
    const cost = ai.reduce((s, g) => s + (g.ai?.cost ?? 0), 0);
    expect(await value('sum(kong_gen_ai_llm_cost_total)')).toBeCloseTo(cost, 9);
    const gpt4o = ai.filter((g) => g.ai?.model === 'gpt-4o').length;
    expect(await value('sum(gen_ai_client_operation_duration_seconds_count{gen_ai_request_model="gpt-4o"})')).toBe(gpt4o);
  });

  it('serves output that promtool check metrics accepts without a word', async () => {
    const body = await (await fetch(`http://127.0.0.1:${promPort}/metrics`)).text();
    expect(body).toContain('http_server_request_count_total');
    let out = '';
    try {
      out = execFileSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`promtool check metrics failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    expect(out).toBe('');
  });

  it('stops on SIGTERM with exit code 0', async () => {
    expect(await kongtel.stop('SIGTERM')).toBe(0);
  });
});
