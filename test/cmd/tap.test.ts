import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TapBatchEvent } from '../../core/tap/index.js';
import { freePort } from '../support/ports.js';
import { KONGTEL_BIN, ROOT, runKongtel, runProcess, type RunningProcess, startKongtel } from '../support/processes.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 14 item 3: `kongtel tap` against a running kongtel, as a user runs both. Traffic carries a
 * header value, a query string and a prompt that must never reach the tap's output.
 */
const TOKEN = 'tap-s3cr3t-token-q9';
const HEADER_VALUE = 'Bearer upstream-s3cr3t-h7';
const PROMPT = 'prompt-s3cr3t-p4 tell me everything';

const entry = (): Record<string, unknown> => {
  const e = JSON.parse(readFileSync(join(ROOT, 'test/testdata/kong/ai-docs-3.14-llm-full-transcribed.json'), 'utf8')) as Record<string, unknown>;
  const request = e.request as Record<string, unknown>;
  request.headers = { authorization: HEADER_VALUE };
  request.querystring = { api_key: 'query-s3cr3t-k2' };
  ((e.ai as Record<string, Record<string, unknown>>).proxy as Record<string, unknown>).payload = { request: PROMPT, response: 'answer-s3cr3t-a1' };
  return e;
};

describe('kongtel tap', () => {
  let kongtel: RunningProcess;
  let selfPort: number;
  let httpPort: number;
  let posting: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    const health = await freePort();
    selfPort = await freePort();
    httpPort = await freePort();
    kongtel = await startKongtel(
      `
extensions:
  health_check: { endpoint: 127.0.0.1:${health} }
receivers:
  kong_http_log: { endpoint: 127.0.0.1:${httpPort} }
processors:
  kong_metrics: { interval: 200ms }
exporters:
  prometheus: { endpoint: 127.0.0.1:0 }
service:
  extensions: [health_check]
  telemetry:
    metrics:
      address: 127.0.0.1:${selfPort}
      auth:
        bearer_token: \${env:SELF_TOKEN}
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] }
`,
      health,
      { SELF_TOKEN: TOKEN },
    );
    const body = JSON.stringify([entry(), entry()]);
    posting = setInterval(() => {
      void fetch(`http://127.0.0.1:${httpPort}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).catch(() => {});
    }, 50);
  });

  afterAll(async () => {
    clearInterval(posting);
    await kongtel?.stop();
  });

  const tap = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> => {
    const p = runProcess(process.execPath, [KONGTEL_BIN, 'tap', '--endpoint', `http://127.0.0.1:${selfPort}`, ...args], env);
    return p.exited.then((code) => ({ code, output: p.output() }));
  };

  it('shows sampled receiver and kong_metrics output while traffic flows, never a header value, query string or payload', async () => {
    const { code, output } = await tap(['--bearer-token-env', 'T', '--output', 'json', '--limit', '12', '--rate', '50'], { T: TOKEN });
    expect(code).toBe(0);
    const events = output
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string })
      .filter((e): e is TapBatchEvent => e.type === 'batch');
    expect(events).toHaveLength(12);
    const received = events.filter((e) => e.component === 'kong_http_log');
    expect(received.length).toBeGreaterThan(0);
    expect(received[0]).toMatchObject({ kind: 'receiver', signal: 'logs', items: 2 });
    expect(received[0].sample[0]).toMatchObject({ service: { name: 'llm-service' }, response: { status: 200 } });
    const emitted = events.filter((e) => e.component === 'kong_metrics');
    expect(emitted.length).toBeGreaterThan(0);
    expect(emitted[0]).toMatchObject({ kind: 'processor', pipeline: 'metrics', signal: 'metrics' });
    for (const secret of [TOKEN, 'upstream-s3cr3t', 'query-s3cr3t', 'prompt-s3cr3t', 'answer-s3cr3t']) expect(output).not.toContain(secret);
  });

  it('prints a readable line per event and can follow one component', async () => {
    const { code, output } = await tap(['--bearer-token-env', 'T', '--component', 'kong_metrics', '--limit', '2'], { T: TOKEN });
    expect(code).toBe(0);
    expect(output).toMatch(/^tapping kong_metrics/);
    expect(output).toMatch(/processor kong_metrics \[metrics\] → \d+ data points/);
    expect(output).toMatch(/\n {2}\S+ (sum|histogram)/);
    expect(output).not.toContain('receiver kong_http_log');
  });

  it('refuses without the token, naming the answer and never printing a token', async () => {
    const { code, output } = await tap(['--limit', '1']);
    expect(code).toBe(1);
    expect(output).toContain('answered 401');
    expect(output).not.toContain(TOKEN);
  });

  it('names an unknown component and what runs instead', async () => {
    const { code, output } = await tap(['--bearer-token-env', 'T', '--component', 'nope'], { T: TOKEN });
    expect(code).toBe(1);
    expect(output).toContain('answered 400: component: no receiver or processor "nope"; running: kong_http_log, kong_metrics');
  });

  it('says when nothing listens at the endpoint', async () => {
    const port = await freePort();
    const r = runKongtel(['tap', '--endpoint', `127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`kongtel tap: cannot reach http://127.0.0.1:${port}`);
  });

  it('leaves kongtel serving after tap clients come and go', async () => {
    await waitFor('self metrics', async () => ((await fetch(`http://127.0.0.1:${selfPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status === 200 ? true : undefined), 5000);
  });
});
