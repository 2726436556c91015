import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError, formatIssue, parseConfig } from '../../../core/index.js';
import { otlpReceiverFactory } from '../../../receivers/otlp/index.js';
import { METRICS_PROTO } from '../../../receivers/otlp/metrics_proto.js';

const schema = otlpReceiverFactory.configSchema;
const MIB = 1024 * 1024;
const TIMEOUTS = { read_timeout: 60_000, read_header_timeout: 10_000, idle_timeout: 65_000, max_connections: 4096 };
const DEFAULT_HTTP = { endpoint: '0.0.0.0:4318', max_request_body_size: 20 * MIB, ...TIMEOUTS };

/** The messages a user sees for a config with this receiver, through the real config loader. */
function loaderErrors(receiver: unknown): string[] {
  const text = JSON.stringify({ receivers: { otlp: receiver }, service: { pipelines: {} } });
  try {
    parseConfig(text, 'config.yaml', [otlpReceiverFactory], {});
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map(formatIssue).filter((m) => !m.startsWith('service.pipelines'));
    throw err;
  }
  return [];
}

describe('otlp receiver config', () => {
  it('has a complete default config', () => {
    expect(schema.parse({})).toEqual({ protocols: { http: DEFAULT_HTTP } });
    expect(otlpReceiverFactory).toMatchObject({ kind: 'receiver', type: 'otlp', signal: 'metrics' });
  });

  it.each([
    { name: 'protocols with nothing under http (YAML `http:`)', config: { protocols: { http: null } } },
    { name: 'an empty http section', config: { protocols: { http: {} } } },
    { name: 'an empty protocols section', config: { protocols: {} } },
  ])('reads $name as the defaults', ({ config }) => {
    expect(schema.parse(config)).toEqual({ protocols: { http: DEFAULT_HTTP } });
  });

  it('reads sizes, durations, auth and tls', () => {
    expect(
      schema.parse({
        protocols: {
          http: {
            endpoint: 'localhost:0',
            max_request_body_size: '512KB',
            read_timeout: '2m',
            read_header_timeout: '5s',
            idle_timeout: '90s',
            max_connections: 64,
            auth: { bearer_token: 't', basic: { username: 'u', password: 'p' } },
            tls: { cert_file: '/c.pem', key_file: '/k.pem', client_ca_file: '/ca.pem' },
          },
        },
      }),
    ).toEqual({
      protocols: {
        http: {
          endpoint: 'localhost:0',
          max_request_body_size: 512_000,
          read_timeout: 120_000,
          read_header_timeout: 5_000,
          idle_timeout: 90_000,
          max_connections: 64,
          auth: { bearer_token: 't', basic: { username: 'u', password: 'p' } },
          tls: { cert_file: '/c.pem', key_file: '/k.pem', client_ca_file: '/ca.pem' },
        },
      },
    });
  });

  it.each([
    {
      name: 'a grpc section',
      config: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } },
      error: 'receivers.otlp.protocols.grpc: kongtel receives OTLP over HTTP only: remove `grpc`',
    },
    { name: 'grpc switched on with defaults', config: { protocols: { grpc: null, http: null } }, error: 'receivers.otlp.protocols.grpc: kongtel receives OTLP over HTTP only' },
    { name: 'an endpoint without port', config: { protocols: { http: { endpoint: 'localhost' } } }, error: 'receivers.otlp.protocols.http.endpoint: must be host:port' },
    { name: 'a zero body size', config: { protocols: { http: { max_request_body_size: 0 } } }, error: 'receivers.otlp.protocols.http.max_request_body_size: must be more than 0 bytes' },
    { name: 'a size in parsecs', config: { protocols: { http: { max_request_body_size: '20 parsecs' } } }, error: 'receivers.otlp.protocols.http.max_request_body_size: invalid size' },
    { name: 'an empty auth', config: { protocols: { http: { auth: {} } } }, error: 'receivers.otlp.protocols.http.auth: set bearer_token, basic' },
    { name: 'an empty token', config: { protocols: { http: { auth: { bearer_token: '' } } } }, error: 'receivers.otlp.protocols.http.auth.bearer_token: must not be empty' },
    { name: 'a header timeout above the request timeout', config: { protocols: { http: { read_timeout: '1s', read_header_timeout: '2s' } } }, error: 'receivers.otlp.protocols.http.read_header_timeout: must not exceed read_timeout' },
    { name: 'no connections', config: { protocols: { http: { max_connections: 0 } } }, error: 'receivers.otlp.protocols.http.max_connections: must be at least 1' },
    { name: 'tls without key', config: { protocols: { http: { tls: { cert_file: '/c.pem' } } } }, error: 'receivers.otlp.protocols.http.tls.key_file: required' },
    { name: 'a misspelt key', config: { protocols: { http: { endpont: '0.0.0.0:4318' } } }, error: 'receivers.otlp.protocols.http.endpont: unknown key (did you mean "endpoint"?)' },
    { name: 'a key of the Collector not supported here', config: { protocols: { http: { cors: {} } } }, error: 'receivers.otlp.protocols.http.cors: unknown key' },
    { name: 'an http key at the top', config: { endpoint: '0.0.0.0:4318' }, error: 'receivers.otlp.endpoint: unknown key' },
  ])('refuses $name with a message naming the key', ({ config, error }) => {
    const errors = loaderErrors(config);
    expect(errors.some((e) => e.startsWith(error)), errors.join('\n')).toBe(true);
  });

  it('accepts the README example', () => {
    const readme = readFileSync(new URL('../../../receivers/otlp/README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    const doc = parseYaml(blocks[0]) as { receivers: Record<string, unknown> };
    expect(loaderErrors(doc.receivers.otlp)).toEqual([]);
    expect(schema.parse(doc.receivers.otlp)).toEqual({
      protocols: { http: { ...DEFAULT_HTTP, auth: { bearer_token: 'change-me-to-a-long-random-token' } } },
    });
  });

  it('embeds the OTLP schema of test/testdata unchanged', () => {
    const file = readFileSync(new URL('../../testdata/otlp/metrics.proto', import.meta.url), 'utf8');
    expect(METRICS_PROTO.trim()).toBe(file.trim());
  });
});
