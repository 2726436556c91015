import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, startKongtel } from '../support/processes.js';
import { DynatraceStandIn } from '../support/stand_ins/dynatrace.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * A full run at debug level with every kind of secret and payload in play — receiver auth, backend
 * token, Kong entries carrying prompts, responses, API keys and the AI sanitizer's original PII — and
 * bad requests that make kongtel log warnings and errors. Then the logs are searched for each of them.
 */
const RECEIVER_TOKEN = 'kongtel-receiver-s3cret-7f1c';
const WRONG_TOKEN = 'an-attackers-guess-99d2';
const DT_TOKEN = 'dt0c01.SECRETTOKEN.abcdef123456';
const API_KEY = 'sk-live-apikey-5be1c0de';
const PROMPT = 'What is the airspeed velocity of an unladen swallow-3b7f';
const COMPLETION = 'African or European swallow-9a01';
const PII_EMAIL = 'jane.doe.4c2e@example.com';

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${ROOT}test/testdata/kong/${name}`, 'utf8')) as Record<string, unknown>;
}

describe('no secret or payload ever reaches a log line', () => {
  it('greps the logs of a full run', async () => {
    const dt = await new DynatraceStandIn({ token: DT_TOKEN }).start();
    // The backend refuses the first requests, so the exporter logs its failures too.
    dt.server.failNext(2, { status: 503, headers: { 'retry-after': '1' }, body: 'busy' });
    const [log, health] = [await freePort(), await freePort()];
    const kongtel = await startKongtel(
      `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${log}
    auth:
      bearer_token: \${env:RECEIVER_TOKEN}
processors:
  kong_metrics:
    interval: 300ms
  cumulativetodelta:
exporters:
  otlphttp:
    endpoint: ${dt.endpoint}
    headers:
      Authorization: "Api-Token \${env:DT_TOKEN}"
    retry_on_failure: { initial_interval: 100ms, max_interval: 200ms }
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
service:
  extensions: [health_check]
  telemetry: { logs: { level: debug }, metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics, cumulativetodelta]
      exporters: [otlphttp]
`,
      health,
      { RECEIVER_TOKEN, DT_TOKEN },
    );

    const entry = fixture('ai-docs-3.14-llm-full-transcribed.json');
    const request = entry.request as Record<string, Record<string, unknown>>;
    request.headers['x-api-key'] = API_KEY;
    request.querystring = { api_key: API_KEY };
    const ai = entry.ai as Record<string, Record<string, unknown>>;
    ai.payload = { request: PROMPT };
    (ai.proxy.payload as Record<string, unknown>) = { response: COMPLETION };
    (ai.sanitizer.sanitized_items as Record<string, unknown>[])[0].original = PII_EMAIL;

    const post = async (body: string, token?: string, type = 'application/json') => {
      const res = await fetch(`http://127.0.0.1:${log}/`, {
        method: 'POST',
        body,
        headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}), 'x-api-key': API_KEY },
      });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await post(JSON.stringify([entry, entry]), RECEIVER_TOKEN)).toBe(200);
    expect(await post(JSON.stringify([entry]), WRONG_TOKEN)).toBe(401);
    expect(await post(JSON.stringify([entry]))).toBe(401);
    // Bad elements make the receiver warn; malformed bodies make it answer 400 with a reason.
    expect(await post(JSON.stringify([entry, PROMPT, { note: COMPLETION }]), RECEIVER_TOKEN)).toBe(200);
    expect(await post(`{"ai": "${PROMPT}"`, RECEIVER_TOKEN)).toBe(400);
    expect(await post(PROMPT, RECEIVER_TOKEN, 'text/plain')).toBe(415);

    await waitFor('3 requests at the backend', async () => (dt.received.total('http.server.request.count') === 3 ? true : undefined), 20_000);
    expect(await kongtel.stop('SIGTERM')).toBe(0);
    await dt.stop();

    const logs = kongtel.output();
    // The run did log: warnings for the rejected elements and the refused sends, debug lines, errors.
    expect(logs.split('\n').filter((l) => l.includes('"level":"warn"')).length).toBeGreaterThan(1);
    for (const secret of [RECEIVER_TOKEN, WRONG_TOKEN, DT_TOKEN, API_KEY, PROMPT, COMPLETION, PII_EMAIL, 'Api-Token', 'Bearer', '555-123-4567', 'jane.doe']) {
      expect(logs, `log lines must not contain ${secret}`).not.toContain(secret);
    }
  });
});
