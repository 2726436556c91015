import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, SelfTelemetry } from '../../../core/index.js';
import { prometheusReceiverFactory, ScrapeMetric } from '../../../receivers/prometheus/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { selfSigned } from '../../support/tls.js';
import { numberValue, point } from './helpers.js';
import { job, startReceiver, TargetServer, type ReceiverHarness } from './target_server.js';
import { stopAfterEach } from '../../support/teardown.js';
import { CapturingConsumer } from '../../support/consumers.js';

let server: TargetServer | undefined;
let h: ReceiverHarness | undefined;

stopAfterEach(() => [h, server], () => {
  h = undefined;
  server = undefined;
});

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('credentials', () => {
  const CASES: [string, Record<string, unknown>, string][] = [
    ['basic_auth', { basic_auth: { username: 'scraper', password: 'p@ss:w0rd' } }, basic('scraper', 'p@ss:w0rd')],
    ['bearer_token', { bearer_token: 'tok-0123456789' }, 'Bearer tok-0123456789'],
  ];
  for (const [name, keys, header] of CASES) {
    it(`${name}: sent as Authorization, the target answers, and the secret never reaches a log line`, async () => {
      server = await TargetServer.start();
      server.body = 'kong_datastore_reachable 1\n';
      server.requireAuthorization = header;
      h = await startReceiver(job([server.address], keys));
      await h.advance(0);
      expect(server.requests[0].headers.authorization).toBe(header);
      expect(numberValue(h.last().resourceMetrics, 'kong_datastore_reachable')).toBe(1);
      // Wrong credentials on the target's side now: 401, up=0, the hint names the keys, not the values.
      server.requireAuthorization = 'Bearer something-else';
      await h.advance(10_000);
      const labels = { receiver: 'prometheus', job: 'kong', instance: server.address };
      expect(h.telemetry.value(ScrapeMetric.up, labels)).toBe(0);
      expect(h.logs.find((l) => l.level === 'warn')?.detail).toBe('HTTP 401 (check basic_auth / bearer_token)');
      const logged = JSON.stringify(h.logs);
      expect(logged).not.toContain(header.split(' ')[1]);
      expect(logged).not.toContain('p@ss');
      expect(logged).not.toContain('tok-0123456789');
    });
  }
});

describe('honor_labels and static labels, over HTTP', () => {
  const page = 'fed{job="node",instance="10.0.0.1:9100",zone="page"} 1\nown{zone="page"} 2\n';
  const staticConfigs = (address: string) => [{ targets: [address], labels: { zone: 'eu-west-1', team: 'edge' } }];

  it('honor_labels: false (default) → scraped job/instance/zone kept as exported_*, the target wins, one resource', async () => {
    server = await TargetServer.start();
    server.body = page;
    h = await startReceiver(job([], { static_configs: staticConfigs(server.address) }));
    await h.advance(0);
    const rms = h.last().resourceMetrics;
    expect(rms).toHaveLength(1);
    expect(rms[0].resource.attributes['service.name']).toBe('kong');
    expect(point(rms, 'fed').attributes).toEqual({
      exported_job: 'node',
      exported_instance: '10.0.0.1:9100',
      exported_zone: 'page',
      zone: 'eu-west-1',
      team: 'edge',
    });
    expect(point(rms, 'own').attributes).toEqual({ exported_zone: 'page', zone: 'eu-west-1', team: 'edge' });
  });

  it('honor_labels: true → the page wins: its job/instance name their own resource, its zone stays', async () => {
    server = await TargetServer.start();
    server.body = page;
    h = await startReceiver(job([], { honor_labels: true, static_configs: staticConfigs(server.address) }));
    await h.advance(0);
    const rms = h.last().resourceMetrics;
    expect(rms.map((rm) => [rm.resource.attributes['service.name'], rm.resource.attributes['service.instance.id']])).toEqual([
      ['kong', server.address],
      ['node', '10.0.0.1:9100'],
    ]);
    expect(point([rms[1]], 'fed').attributes).toEqual({ zone: 'page', team: 'edge' });
    expect(point([rms[0]], 'own').attributes).toEqual({ zone: 'page', team: 'edge' });
  });
});

describe('scheme: https and tls_config', () => {
  let dir: string;
  let pem: { cert: string; key: string };
  let https: HttpsServer;
  let address: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kongtel-prom-tls-'));
    pem = selfSigned(dir, 'kong', '/CN=kong', 'IP:127.0.0.1');
    https = createHttpsServer({ cert: readFileSync(pem.cert), key: readFileSync(pem.key) }, (_req, res) =>
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('kong_datastore_reachable 1\n'),
    );
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    address = `127.0.0.1:${(https.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    https.closeAllConnections();
    await new Promise<void>((resolve) => https.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const up = (hh: ReceiverHarness): number => hh.telemetry.value(ScrapeMetric.up, { receiver: 'prometheus', job: 'kong', instance: address });

  it('trusts the target through ca_file', async () => {
    h = await startReceiver(job([address], { scheme: 'https', tls_config: { ca_file: pem.cert } }));
    await h.advance(0);
    expect(up(h)).toBe(1);
    expect(h.last().resourceMetrics[0].resource.attributes['url.scheme']).toBe('https');
  });

  it('refuses an unknown certificate (up=0, the TLS error code logged)', async () => {
    h = await startReceiver(job([address], { scheme: 'https' }));
    await h.advance(0);
    expect(up(h)).toBe(0);
    expect(h.logs.find((l) => l.level === 'warn')?.detail).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it('insecure_skip_verify: true accepts it', async () => {
    h = await startReceiver(job([address], { scheme: 'https', tls_config: { insecure_skip_verify: true } }));
    await h.advance(0);
    expect(up(h)).toBe(1);
  });

  it('an unreadable ca_file fails start-up with the key path and the fix', async () => {
    const config = prometheusReceiverFactory.configSchema.parse(job([address], { scheme: 'https', tls_config: { ca_file: join(dir, 'nope.pem') } }));
    const receiver = prometheusReceiverFactory.create(config, testContext('prometheus/kong', 'receiver', { clock: new ManualClock(), telemetry: new SelfTelemetry() }), new CapturingConsumer());
    await expect(receiver.start(runningHost)).rejects.toThrow(
      `receivers.prometheus/kong.scrape_configs[0].tls_config.ca_file: cannot read "${join(dir, 'nope.pem')}" (ENOENT); point it at a readable PEM file of CA certificates`,
    );
  });
});
