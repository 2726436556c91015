import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { kongTcpLogReceiverFactory } from '../../../receivers/kong_tcp_log/index.js';
import { startReceiver } from './harness.js';

const schema = kongTcpLogReceiverFactory.configSchema;

describe('kong_tcp_log config', () => {
  it('has a complete default config', () => {
    expect(schema.parse({})).toEqual({
      endpoint: '0.0.0.0:9000',
      max_line_size: 1024 * 1024,
      idle_timeout: 300_000,
      back_pressure_timeout: 30_000,
      max_connections: 4096,
    });
    expect(kongTcpLogReceiverFactory).toMatchObject({ kind: 'receiver', type: 'kong_tcp_log', signal: 'logs' });
  });

  it('reads sizes, durations and tls', () => {
    expect(
      schema.parse({
        endpoint: 'localhost:0',
        max_line_size: '64KiB',
        idle_timeout: '0',
        back_pressure_timeout: '1m30s',
        max_connections: 16,
        tls: { cert_file: '/c.pem', key_file: '/k.pem', client_ca_file: '/ca.pem' },
      }),
    ).toEqual({
      endpoint: 'localhost:0',
      max_line_size: 65_536,
      idle_timeout: 0,
      back_pressure_timeout: 90_000,
      max_connections: 16,
      tls: { cert_file: '/c.pem', key_file: '/k.pem', client_ca_file: '/ca.pem' },
    });
  });

  it.each([
    { name: 'endpoint without port', config: { endpoint: 'localhost' }, path: 'endpoint', says: 'must be host:port' },
    { name: 'zero line size', config: { max_line_size: 0 }, path: 'max_line_size', says: 'more than 0' },
    { name: 'bad size', config: { max_line_size: 'a lot' }, path: 'max_line_size', says: 'invalid size' },
    { name: 'bad duration', config: { idle_timeout: '5 minutes' }, path: 'idle_timeout', says: 'invalid duration' },
    { name: 'zero connections', config: { max_connections: 0 }, path: 'max_connections', says: 'must be at least 1' },
    { name: 'zero back-pressure timeout', config: { back_pressure_timeout: 0 }, path: 'back_pressure_timeout', says: 'more than 0' },
    { name: 'tls without key', config: { tls: { cert_file: '/c.pem' } }, path: 'tls.key_file', says: '' },
    { name: 'empty cert path', config: { tls: { cert_file: '', key_file: '/k.pem' } }, path: 'tls.cert_file', says: 'PEM certificate' },
    { name: 'unknown key', config: { port: 9000 }, path: '', says: 'Unrecognized key' },
  ])('refuses $name', ({ config, path, says }) => {
    const result = schema.safeParse(config);
    expect(result.success).toBe(false);
    const issues = result.error?.issues ?? [];
    const issue = issues.find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toContain(says);
  });

  it('accepts the README example', () => {
    const readme = readFileSync(new URL('../../../receivers/kong_tcp_log/README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks).toHaveLength(1);
    const doc = parseYaml(blocks[0]) as { receivers: Record<string, unknown> };
    expect(schema.parse(doc.receivers.kong_tcp_log)).toMatchObject({ endpoint: '0.0.0.0:9000', max_line_size: 1024 * 1024 });
  });

  it('names the endpoint and the fix when the port is taken', async () => {
    const first = await startReceiver();
    try {
      await expect(startReceiver({ endpoint: `127.0.0.1:${first.port}` })).rejects.toThrow(
        `receivers.kong_tcp_log.endpoint: cannot listen on 127.0.0.1:${first.port}: the port is in use`,
      );
    } finally {
      await first.receiver.shutdown();
    }
  });
});
