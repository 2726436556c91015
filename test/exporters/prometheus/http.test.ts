import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { runningHost } from '../../helpers/context.js';
import { batchOf, harness, sum, type Harness } from './builders.js';
import { httpCall } from './http_client.js';

const started: Harness[] = [];

async function serving(config: Record<string, unknown> = {}): Promise<Harness> {
  const h = harness({ without_scope_info: true, ...config });
  await h.exporter.start(runningHost);
  started.push(h);
  await h.exporter.consume(batchOf(sum('http.server.request.count', '{request}', [{ attrs: { 'kong.service.name': 'orders' }, value: 42 }])));
  return h;
}

afterEach(async () => {
  for (const h of started.splice(0)) await h.exporter.shutdown();
});

const BODY = [
  '# HELP target_info Target metadata',
  '# TYPE target_info gauge',
  'target_info{job="kongtel",instance="pod-1"} 1',
  '# HELP http_server_request_count_total http.server.request.count',
  '# TYPE http_server_request_count_total counter',
  'http_server_request_count_total{kong_service_name="orders",job="kongtel",instance="pod-1"} 42',
  '',
].join('\n');

describe('GET /metrics on a real loopback socket', () => {
  it('binds port 0 to a real port and exposes it as address', async () => {
    const { exporter } = await serving();
    expect(exporter.address.host).toBe('127.0.0.1');
    expect(exporter.address.port).toBeGreaterThan(0);
  });

  it('answers 200 with the text format 0.0.4 content type and the exposition', async () => {
    const { exporter } = await serving();
    const reply = await httpCall(exporter.address.port, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.body.toString('utf8')).toBe(BODY);
    expect(Number(reply.headers['content-length'])).toBe(Buffer.byteLength(BODY));
  });

  it('gzips the body when the scraper accepts gzip (Prometheus does)', async () => {
    const { exporter } = await serving();
    const reply = await httpCall(exporter.address.port, '/metrics', 'GET', { 'Accept-Encoding': 'gzip' });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(reply.body).toString('utf8')).toBe(BODY);
  });

  it('reflects new data on the next scrape', async () => {
    const { exporter } = await serving();
    await exporter.consume(batchOf(sum('http.server.request.count', '{request}', [{ attrs: { 'kong.service.name': 'orders' }, value: 50, at: 1_700_000_010_000 }])));
    const reply = await httpCall(exporter.address.port, '/metrics?debug=1');
    expect(reply.body.toString('utf8')).toContain('http_server_request_count_total{kong_service_name="orders",job="kongtel",instance="pod-1"} 50\n');
  });

  it.each([
    ['GET', '/', 404],
    ['GET', '/metricsx', 404],
    ['GET', '/metrics/', 404],
    ['POST', '/metrics', 405],
    ['PUT', '/metrics', 405],
    ['DELETE', '/metrics', 405],
    ['HEAD', '/metrics', 200],
  ])('%s %s → %i', async (method, path, status) => {
    const { exporter } = await serving();
    const reply = await httpCall(exporter.address.port, path, method);
    expect(reply.status).toBe(status);
    if (status === 405) expect(reply.headers.allow).toBe('GET, HEAD');
    if (method === 'HEAD') {
      // The headers a GET gets, without rendering the page (so without its length, as RFC 9110 allows).
      expect(reply.body.length).toBe(0);
      expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(reply.headers['content-length']).toBeUndefined();
    }
  });

  it('label values that differ only in ill-formed UTF-16 are one series on the wire, not a duplicate', async () => {
    const { exporter } = await serving();
    await exporter.consume(
      batchOf(sum('lone', '', [{ attrs: { v: '\uD800' }, value: 1 }, { attrs: { v: '\uDC00' }, value: 2 }, { attrs: { v: '\uFFFD' }, value: 4 }], { temporality: 'delta' })),
    );
    const lines = (await httpCall(exporter.address.port, '/metrics')).body.toString('utf8').split('\n').filter((l) => l.startsWith('lone_total'));
    expect(lines).toEqual(['lone_total{v="\uFFFD",job="kongtel",instance="pod-1"} 7']);
  });

  it('a taken port fails start-up with the key and the fix', async () => {
    const first = await serving();
    const second = harness({ endpoint: `127.0.0.1:${first.exporter.address.port}` });
    await expect(second.exporter.start(runningHost)).rejects.toThrow(
      /^exporters\.prometheus\.endpoint: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\); set endpoint to a free host:port/,
    );
  });

  it('shutdown releases the port', async () => {
    const h = await serving();
    const port = h.exporter.address.port;
    await h.exporter.shutdown();
    started.splice(started.indexOf(h), 1);
    await expect(httpCall(port, '/metrics')).rejects.toThrow(/ECONNREFUSED/);
  });
});
