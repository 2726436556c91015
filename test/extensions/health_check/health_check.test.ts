import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ManualClock, type CollectorStatus, type Host } from '../../../core/index.js';
import { HealthCheckExtension, healthCheckExtensionFactory } from '../../../extensions/health_check/index.js';
import { formatUptime } from '../../../extensions/health_check/status.js';
import { startedAs, testContext } from '../../support/context.js';
import { readmeYaml } from '../../support/readme.js';
import { issueAt } from '../../support/config_errors.js';

const DEFAULTS = { endpoint: '0.0.0.0:13133', path: '/', read_timeout: 10_000, read_header_timeout: 5_000, idle_timeout: 5_000, max_connections: 4096 };

interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

function get(port: number, path = '/', method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function startExtension(
  config: Record<string, unknown>,
  host: Host,
  clock = new ManualClock(),
  id = 'health_check',
): Promise<HealthCheckExtension> {
  const parsed = healthCheckExtensionFactory.configSchema.parse({ endpoint: '127.0.0.1:0', ...config });
  return startedAs(healthCheckExtensionFactory.create(parsed, testContext(id, 'extension', { clock })), HealthCheckExtension, host);
}

describe('health_check answers with the collector status', () => {
  let status: CollectorStatus = 'starting';
  const clock = new ManualClock(1_700_000_000_000);
  let ext: HealthCheckExtension;
  beforeAll(async () => {
    ext = await startExtension({}, { status: () => status }, clock);
  });
  afterAll(() => ext.shutdown());

  it.each([
    { status: 'starting', after: 0, code: 503, body: { status: 'Server not available', uptime: '0s' } },
    { status: 'running', after: 450, code: 200, body: { status: 'Server available', uptime: '450ms' } },
    { status: 'running', after: 11_850, code: 200, body: { status: 'Server available', uptime: '12.3s' } },
    { status: 'stopping', after: 3_600_000, code: 503, body: { status: 'Server not available', uptime: '1h0m12.3s' } },
    { status: 'stopped', after: 1, code: 503, body: { status: 'Server not available', uptime: '1h0m12.301s' } },
  ] as const)('$status after +$after ms → $code', async (c) => {
    status = c.status;
    clock.advance(c.after);
    const reply = await get(ext.address.port);
    expect(reply.status).toBe(c.code);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.text)).toEqual({ ...c.body, upSince: '2023-11-14T22:13:20.000Z' });
  });

  it('answers HEAD with the status and no body', async () => {
    status = 'running';
    const reply = await get(ext.address.port, '/', 'HEAD');
    expect(reply).toMatchObject({ status: 200, text: '' });
  });

  it('ignores a query string', async () => {
    expect((await get(ext.address.port, '/?probe=liveness')).status).toBe(200);
  });

  it.each([
    { path: '/healthz', method: 'GET', code: 404 },
    { path: '/', method: 'POST', code: 405 },
    { path: '/', method: 'DELETE', code: 405 },
  ])('$method $path → $code', async ({ path, method, code }) => {
    const reply = await get(ext.address.port, path, method);
    expect(reply.status).toBe(code);
    if (code === 405) expect(reply.headers.allow).toBe('GET, HEAD');
  });
});

describe('health_check lifecycle', () => {
  it('listens on its configured path', async () => {
    const ext = await startExtension({ path: '/health/ready' }, { status: () => 'running' });
    try {
      expect((await get(ext.address.port, '/health/ready')).status).toBe(200);
      expect((await get(ext.address.port, '/')).status).toBe(404);
    } finally {
      await ext.shutdown();
    }
  });

  it('releases its port on shutdown, even with a keep-alive prober connected', async () => {
    const ext = await startExtension({}, { status: () => 'running' });
    const port = ext.address.port;
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', () => resolve())).on('error', reject);
    });
    await ext.shutdown();
    await expect(get(port)).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it('names the endpoint key when the port is taken', async () => {
    const first = await startExtension({}, { status: () => 'running' });
    try {
      const port = first.address.port;
      await expect(startExtension({ endpoint: `127.0.0.1:${port}` }, { status: () => 'running' }, undefined, 'health_check/b')).rejects.toThrow(
        `extensions.health_check/b.endpoint: cannot listen on 127.0.0.1:${port}: the port is in use`,
      );
    } finally {
      await first.shutdown();
    }
  });
});

describe('health_check uptime format (Go durations)', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [999, '999ms'],
    [1000, '1s'],
    [12_300, '12.3s'],
    [60_000, '1m0s'],
    [61_500, '1m1.5s'],
    [3_600_000, '1h0m0s'],
    [90_061_001, '25h1m1.001s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatUptime(ms)).toBe(text);
  });
});

describe('health_check config', () => {
  const schema = healthCheckExtensionFactory.configSchema;

  it('defaults to 0.0.0.0:13133 and /', () => {
    expect(schema.parse({})).toEqual(DEFAULTS);
    expect(healthCheckExtensionFactory).toMatchObject({ kind: 'extension', type: 'health_check' });
  });

  it.each([
    { config: { endpoint: '13133' }, path: 'endpoint', says: 'must be host:port' },
    { config: { path: 'health' }, path: 'path', says: 'starting with "/"' },
    { config: { response_body: 'ok' }, path: '', says: 'Unrecognized key' },
    { config: { max_connections: 0 }, path: 'max_connections', says: 'must be at least 1' },
    { config: { read_timeout: '1s', read_header_timeout: '2s' }, path: 'read_header_timeout', says: 'must not exceed read_timeout' },
  ])('refuses $config', ({ config, path, says }) => {
    const { issue } = issueAt(schema, config, path);
    expect(issue?.message).toContain(says);
  });

  it('accepts the README example', () => {
    const blocks = readmeYaml('extensions/health_check');
    expect(blocks).toHaveLength(1);
    const doc = parseYaml(blocks[0]) as { extensions: Record<string, unknown> };
    expect(schema.parse(doc.extensions.health_check)).toEqual(DEFAULTS);
  });
});
