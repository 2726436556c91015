import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendTo } from '../support/http_client.js';
import { configFile as writeConfig, ROOT, runKongtel, startKongtel } from '../support/processes.js';
import { OtlpStandIn } from '../support/stand_ins/otlp_http.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 9 item 1: `${env:…}` values are text. A random token often begins with a YAML indicator; such a
 * value must neither be re-read as YAML nor crash start-up, and no output of any subcommand may show it,
 * whether the value is valid where it is used or not.
 */

/** Every YAML indicator and a few YAML shapes a token may happen to take, each made unique. */
const SHAPES = [
  '@', '*', '"', "'", '[', ']', '{', '}', '%', '`', '!', '!!str ', '&', '&a ', '|', '>', '#', '-', '- ', '?', '? ', ':', ': ', ',', '~',
  'a: ', '[1, ', '{a: 1, b: ', '"quoted" ', "'single' ", '%YAML 1.2 ', '*alias ', '!!binary ', '0x',
];
const secrets = SHAPES.map((shape, i) => `${shape}s3cr3t-${i}-q7`);
const env = Object.fromEntries(secrets.map((s, i) => [`SECRET_${i}`, s]));
/** Line breaks are fine where a value is invalid anyway (an endpoint), not in a header value. */
const MULTILINE = ['|\n  s3cr3t-ml-1', 'x\nb: s3cr3t-ml-2', '- s3cr3t-ml-3\n- two'];

const kongtel = runKongtel;
const configFile = (text: string): string => writeConfig(text, 'cli-env');

function expectNoSecret(output: string, values: readonly string[]): void {
  for (const s of values) {
    expect(output, `output must not contain ${JSON.stringify(s)}`).not.toContain(s);
    // A secret's distinctive part, in case a message quotes only a piece of it.
    const core = /s3cr3t-[a-z0-9-]+/.exec(s)?.[0] as string;
    expect(output, `output must not contain ${core}`).not.toContain(core);
  }
  expect(output, 'no stack trace').not.toMatch(/\n\s+at /);
}

describe('secrets of every YAML-indicator shape in ${env:}', () => {
  // One receiver per secret, each with its endpoint (host:port) from the environment: every value is invalid there.
  const invalidEnv = { ...env, ...Object.fromEntries(MULTILINE.map((s, i) => [`MULTI_${i}`, s])) };
  const names = [...secrets.map((_, i) => `SECRET_${i}`), ...MULTILINE.map((_, i) => `MULTI_${i}`)];
  const invalid = configFile(`
receivers:
${names.map((n) => `  kong_http_log/${n.toLowerCase()}:\n    endpoint: \${env:${n}}`).join('\n')}
processors:
  kong_metrics:
exporters:
  prometheus:
    endpoint: 127.0.0.1:0
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [${names.map((n) => `kong_http_log/${n.toLowerCase()}`).join(', ')}]
      processors: [kong_metrics]
      exporters: [prometheus]
`);

  it.each([['run'], ['validate'], ['print-config']])('%s: exit 1, each invalid value named by key path and variable, never shown', (command) => {
    const r = kongtel([command, '--config', invalid], invalidEnv);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe(`${invalid}: ${names.length} config errors:`);
    expect(lines.slice(1).map((l) => l.trim())).toEqual(
      names.map((n) => `receivers.kong_http_log/${n.toLowerCase()}.endpoint: must be host:port, e.g. "0.0.0.0:8080" or "localhost:9464" (its value comes from \${env:${n}})`),
    );
    expectNoSecret(r.stdout + r.stderr, [...secrets, ...MULTILINE]);
  });

  // The same values where they are valid: a receiver's bearer token and the exporter's header values.
  function validConfig(ports: { log: number; health: number }, backend: string): string {
    return `
receivers:
  kong_http_log:
    endpoint: 127.0.0.1:${ports.log}
    auth:
      bearer_token: \${env:SECRET_0}
processors:
  kong_metrics:
    interval: 200ms
exporters:
  otlphttp:
    endpoint: ${backend}
    encoding: json
    headers:
${secrets.map((_, i) => `      X-Secret-${i}: \${env:SECRET_${i}}`).join('\n')}
extensions:
  health_check:
    endpoint: 127.0.0.1:${ports.health}
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [kong_http_log]
      processors: [kong_metrics]
      exporters: [otlphttp]
`;
  }

  it('validate and print-config: accepted as text, exit 0, print-config redacts every one', () => {
    const f = configFile(validConfig({ log: 1, health: 2 }, 'http://127.0.0.1:3'));
    const v = kongtel(['validate', '--config', f], env);
    expect(v).toMatchObject({ code: 0, stderr: '' });
    expectNoSecret(v.stdout + v.stderr, secrets);
    const p = kongtel(['print-config', '--config', f], env);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('bearer_token: "[REDACTED]"');
    for (let i = 0; i < secrets.length; i++) expect(p.stdout).toContain(`X-Secret-${i}: "[REDACTED]"`);
    expectNoSecret(p.stdout + p.stderr, secrets);
  });

  it('run: each value is used verbatim (the token authenticates, the headers reach the backend byte for byte), and never logged', async () => {
    const backend = await new OtlpStandIn().start();
    const ports = { log: await freePort(), health: await freePort() };
    const kongtelRun = await startKongtel(validConfig(ports, backend.endpoint), ports.health, env);
    try {
      const entry = readFileSync(`${ROOT}test/testdata/kong/ai-3.6-flat-shape-transcribed.json`, 'utf8');
      const post = (token: string) =>
        sendTo(ports.log, { contentType: 'application/json', path: '/' }, { body: `[${entry}]`, headers: { authorization: `Bearer ${token}` } });
      expect((await post(secrets[0])).status).toBe(200);
      expect((await post('s3cr3t-0-q7')).status).toBe(401);
      await waitFor('a request at the backend', async () => (backend.requests.length > 0 ? true : undefined));
      const headers = backend.requests[0].headers;
      secrets.forEach((s, i) => expect(headers[`x-secret-${i}`], `X-Secret-${i}`).toBe(s));
    } finally {
      expect(await kongtelRun.stop('SIGTERM')).toBe(0);
      await backend.stop();
    }
    expectNoSecret(kongtelRun.output(), secrets);
  });

  it('run: a start-up error about a value from the environment names the variable, not the value', async () => {
    // A port that is taken: the receiver cannot listen on the address its endpoint variable gives.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(taken.address() as { port: number }).port}`;
    try {
      const f = configFile(`
receivers:
  kong_http_log:
    endpoint: \${env:LISTEN}
processors:
  kong_metrics:
exporters:
  prometheus:
    endpoint: 127.0.0.1:0
service:
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] }
`);
      const r = kongtel(['run', '--config', f], { LISTEN: address });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('receivers.kong_http_log.endpoint: cannot listen on ${env:LISTEN}: the port is in use');
      expect(r.stdout + r.stderr).not.toContain(address);
    } finally {
      taken.close();
    }
  });
});
