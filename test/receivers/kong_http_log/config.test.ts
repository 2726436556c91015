import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { kongHttpLogReceiverFactory } from '../../../receivers/kong_http_log/index.js';

const schema = kongHttpLogReceiverFactory.configSchema;

describe('kong_http_log config', () => {
  it('has a complete default config', () => {
    expect(schema.parse({})).toEqual({
      endpoint: '0.0.0.0:8080',
      path: '/',
      max_request_body_size: 20 * 1024 * 1024,
      read_timeout: 30_000,
      read_header_timeout: 10_000,
      idle_timeout: 65_000,
      max_connections: 4096,
    });
    expect(kongHttpLogReceiverFactory).toMatchObject({ kind: 'receiver', type: 'kong_http_log', signal: 'logs' });
  });

  it('reads sizes, durations, auth and tls', () => {
    expect(
      schema.parse({
        endpoint: 'localhost:0',
        path: '/kong/logs',
        max_request_body_size: '512KB',
        read_timeout: '1m',
        read_header_timeout: '500ms',
        idle_timeout: '2m30s',
        max_connections: 100,
        auth: { bearer_token: 't', basic: { username: 'u', password: 'p' } },
        tls: { cert_file: '/c.pem', key_file: '/k.pem', client_ca_file: '/ca.pem' },
      }),
    ).toEqual({
      endpoint: 'localhost:0',
      path: '/kong/logs',
      max_request_body_size: 512_000,
      read_timeout: 60_000,
      read_header_timeout: 500,
      idle_timeout: 150_000,
      max_connections: 100,
      auth: { bearer_token: 't', basic: { username: 'u', password: 'p' } },
      tls: { cert_file: '/c.pem', key_file: '/k.pem', client_ca_file: '/ca.pem' },
    });
  });

  it.each([
    { name: 'endpoint without port', config: { endpoint: 'localhost' }, path: 'endpoint', says: 'must be host:port' },
    { name: 'relative path', config: { path: 'kong' }, path: 'path', says: 'starting with "/"' },
    { name: 'path with query', config: { path: '/?a=1' }, path: 'path', says: 'no query' },
    { name: 'zero body size', config: { max_request_body_size: 0 }, path: 'max_request_body_size', says: 'more than 0' },
    { name: 'size without unit sense', config: { max_request_body_size: '20 parsecs' }, path: 'max_request_body_size', says: 'invalid size' },
    { name: 'bad duration', config: { read_timeout: '10 seconds' }, path: 'read_timeout', says: 'invalid duration' },
    { name: 'no header timeout', config: { read_header_timeout: 0 }, path: 'read_header_timeout', says: 'must be more than 0' },
    { name: 'zero connections', config: { max_connections: 0 }, path: 'max_connections', says: 'must be at least 1' },
    { name: 'fractional connections', config: { max_connections: 1.5 }, path: 'max_connections', says: 'whole number' },
    { name: 'a colon in the basic user', config: { auth: { basic: { username: 'ko:ng', password: 'p' } } }, path: 'auth.basic.username', says: 'must not contain ":"' },
    { name: 'a space in the token', config: { auth: { bearer_token: 'two words' } }, path: 'auth.bearer_token', says: 'whitespace' },
    { name: 'empty auth', config: { auth: {} }, path: 'auth', says: 'set bearer_token, basic' },
    { name: 'empty token', config: { auth: { bearer_token: '' } }, path: 'auth.bearer_token', says: 'must not be empty' },
    { name: 'basic without password', config: { auth: { basic: { username: 'kong' } } }, path: 'auth.basic.password', says: '' },
    { name: 'tls without key', config: { tls: { cert_file: '/c.pem' } }, path: 'tls.key_file', says: '' },
    { name: 'unknown key', config: { port: 8080 }, path: '', says: 'Unrecognized key' },
    { name: 'unknown auth key', config: { auth: { token: 'x' } }, path: 'auth', says: 'Unrecognized key' },
    {
      name: 'header timeout above request timeout',
      config: { read_timeout: '5s', read_header_timeout: '10s' },
      path: 'read_header_timeout',
      says: 'must not exceed read_timeout',
    },
  ])('refuses $name', ({ config, path, says }) => {
    const result = schema.safeParse(config);
    expect(result.success).toBe(false);
    const issues = result.error?.issues ?? [];
    const issue = issues.find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(says);
  });

  it('accepts the README example', () => {
    const readme = readFileSync(new URL('../../../receivers/kong_http_log/README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    const doc = parseYaml(blocks[0]) as { receivers: Record<string, unknown> };
    const parsed = schema.parse(doc.receivers.kong_http_log);
    expect(parsed).toMatchObject({ endpoint: '0.0.0.0:8080', max_request_body_size: 20 * 1024 * 1024 });
  });
});
