import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { FACTORIES } from '../../cmd/components.js';
import { ConfigError, formatIssue, parseConfig, redactConfig } from '../../core/index.js';

/**
 * Issue 9 item 1 as a property: any environment value — YAML indicators, YAML documents, unicode, lone
 * surrogates, control characters, line breaks, number and boolean look-alikes — substituted into a real
 * config in every kind of field (endpoint, path, token, size, duration, enum, header value, URL, regular
 * expression, scrape target, resource attribute, a default) never makes loading throw anything but a
 * ConfigError, and no error, warning or print-config output ever contains the value. Each value carries
 * a marker, so a message quoting only part of it is caught too.
 */
const RUNS = Math.max(200, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 5));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

const CONFIG = `
receivers:
  kong_http_log:
    endpoint: \${env:V0}
    path: \${env:V1}
    max_request_body_size: \${env:V2}
    auth: { bearer_token: "\${env:V3}" }
  prometheus:
    config:
      scrape_configs:
        - job_name: kong
          scrape_interval: \${env:V4}
          static_configs: [{ targets: ["\${env:V5}"], labels: { zone: "\${env:V6}" } }]
processors:
  kong_metrics:
    interval: "\${env:V7}"
    temporality: \${env:V8}
  cumulativetodelta:
    include: { match_type: regexp, metrics: ["^\${env:V9}$"], metric_types: ["\${env:V10}"] }
exporters:
  otlphttp:
    endpoint: \${env:V11}
    headers: { Authorization: "Api-Token \${env:V12}", X-Tenant: "\${env:V13}" }
    timeout: \${env:UNSET:-\${env:V14}}
service:
  shutdown_timeout: \${env:V15}
  telemetry:
    metrics: { address: "\${env:V16}" }
    resource: { deployment.environment: "\${env:V17}" }
  pipelines:
    metrics:
      receivers: [kong_http_log, prometheus]
      processors: [kong_metrics, cumulativetodelta]
      exporters: [otlphttp]
`;
const SLOTS = 18;

const INDICATORS = ['@', '*', '"', "'", '[', ']', '{', '}', '%', '`', '!', '!!', '&', '|', '>', '#', '-', '- ', '?', '? ', ':', ': ', ',', '~', '$', '${', '$$', '${env:V0}', '\n', '\r\n', '\t', ' ', '---', '...'];
const piece = fc.oneof(
  fc.constantFrom(...INDICATORS),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('true', 'null', '0x1F', '1e3', '.inf', '8080', '127.0.0.1:', 'https://u:', '@host', '10s', '20MiB', 'delta', '/kong'),
);
/** A marker no template or schema message holds, so finding it in a message means the value leaked. */
const marker = fc.stringMatching(/^[a-z0-9]{8}$/).map((s) => `Zq${s}`);
const secretValue = fc.tuple(fc.array(piece, { maxLength: 3 }), marker, fc.array(piece, { maxLength: 3 })).map(([pre, m, post]) => ({ text: pre.join('') + m + post.join(''), marker: m }));
/** Values shaped like what each field wants (numbers, booleans, endpoints…), to reach the checks past the type. */
const plausible = fc.constantFrom('8080', '0x10', 'true', 'FALSE', '1.5', '.nan', '-.inf', '0', '', '127.0.0.1:0', '/', 'delta', 'sum', 'http://127.0.0.1:4318', '10s', '0s', '1000h');

function loadOutcome(env: Record<string, string>): { texts: string[] } {
  try {
    const c = parseConfig(CONFIG, 'fuzz.yaml', FACTORIES, env);
    return { texts: [stringify(redactConfig(c.tree, c.fromEnv)), ...c.warnings] };
  } catch (err) {
    // Anything else escaping is the bug this test is for: fast-check reports it with the env that caused it.
    if (!(err instanceof ConfigError)) throw err;
    return { texts: [err.message, ...err.issues.map(formatIssue)] };
  }
}

/** Values that make the template valid: proof that every slot is a real, reachable field. */
const GOOD: Record<string, string> = {
  V0: '127.0.0.1:0', V1: '/kong', V2: '20MiB', V3: 'tok', V4: '15s', V5: 'kong:8100', V6: 'eu', V7: '10s', V8: 'delta', V9: 'kong_.*',
  V10: 'sum', V11: 'http://127.0.0.1:4318', V12: 'dt0c01', V13: 'acme', V14: '5s', V15: '20s', V16: '127.0.0.1:0', V17: 'prod',
};

describe('hostile ${env:} values in a real config', () => {
  it('the template loads with good values, and each slot refuses a bad one with its own key path', () => {
    expect(loadOutcome(GOOD).texts[0]).toContain('endpoint: "[REDACTED]"');
    const refusing = [0, 1, 2, 4, 5, 7, 8, 9, 10, 11, 14, 15, 16];
    for (const i of refusing) {
      const [text] = loadOutcome({ ...GOOD, [`V${i}`]: '(*bad value' }).texts;
      expect(text, `V${i}`).toMatch(/: 1 config error:\n/);
      expect(text, `V${i}`).toContain(`\${env:V${i}}`);
    }
  });

  it(`${RUNS} environments: only ConfigError is thrown, and no output holds a value`, { timeout: 300_000 }, () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: secretValue }, { weight: 1, arbitrary: plausible.map((text) => ({ text, marker: undefined })) }), { minLength: SLOTS, maxLength: SLOTS }), (values) => {
        const env = Object.fromEntries(values.map((v, i) => [`V${i}`, v.text]));
        const { texts } = loadOutcome(env);
        for (const v of values) {
          if (v.marker === undefined) continue;
          for (const t of texts) {
            if (t.includes(v.marker) || t.includes(v.text)) throw new Error(`value ${JSON.stringify(v.text)} shown in: ${t}`);
          }
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it(`${RUNS} reference-like texts written in the file: only ConfigError is thrown`, { timeout: 300_000 }, () => {
    const token = fc.constantFrom('$', '$$', '${', '}', ':', ':-', 'env', 'env:', 'V0', 'A', '1', '-', ' ', '"', '\\', '{', 'file:', '\n');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }).map((t) => t.join('')), fc.string({ maxLength: 6 }), (reference, value) => {
        const text = CONFIG.replace('path: ${env:V1}', `path: ${JSON.stringify(reference)}`);
        try {
          parseConfig(text, 'fuzz.yaml', FACTORIES, { V0: value });
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
