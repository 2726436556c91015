import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DnsSdDiscoverer } from '../../../../receivers/prometheus/discovery/dns_sd.js';
import { dnsSdConfigSchema } from '../../../../receivers/prometheus/discovery/dns_sd_config.js';
import type { TargetGroup } from '../../../../receivers/prometheus/discovery/target_group.js';
import { Dnsmasq } from '../../../support/dnsmasq.js';
import { recordingLogger, textLogger } from '../../../support/logs.js';
import { tempDirs } from '../../../support/temp.js';
import { sleep, until } from '../../../support/wait.js';

/**
 * dns_sd_configs against a real DNS server: Debian's dnsmasq on 127.0.0.1 and a free port, given to the
 * discoverer through kongtel's `nameservers` key. Records are changed while both run (hosts file
 * rewritten, SIGHUP).
 */

const dirs = tempDirs('dns-sd');
let dnsmasq: Dnsmasq | undefined;
let discoverer: DnsSdDiscoverer | undefined;
const servers: http.Server[] = [];

afterEach(async () => {
  await discoverer?.stop();
  await dnsmasq?.stop();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
  discoverer = undefined;
  dnsmasq = undefined;
});

/** No search list unless a test writes one: the machine's resolv.conf must not change what is asked. */
function resolvConf(text = ''): string {
  const path = join(dirs(), 'resolv.conf');
  writeFileSync(path, text);
  return path;
}

async function discover(config: Record<string, unknown>, options: { resolvConfText?: string } = {}) {
  const { logger, lines, count } = recordingLogger();
  const updates: (readonly TargetGroup[])[] = [];
  discoverer = new DnsSdDiscoverer(dnsSdConfigSchema.parse(config), { logger, resolvConf: resolvConf(options.resolvConfText) });
  await discoverer.start((g) => updates.push(g));
  return { updates, lines, count, latest: () => updates[updates.length - 1] ?? [] };
}

const sortedTargets = (g: TargetGroup | undefined) => [...(g?.targets ?? [])].sort((a, b) => (a.__address__ ?? '').localeCompare(b.__address__ ?? ''));
const addresses = (groups: readonly TargetGroup[]): string[] => groups.flatMap((g) => g.targets.map((t) => t.__address__ ?? '')).sort();

/** A Kong Status API stand-in on one loopback address, naming its node, as a Kong pod's /metrics does. */
async function kongPod(host: string, port: number, nodeId: string): Promise<void> {
  const server = http.createServer((_, res) => res.end(`kong_nginx_connections_total{node_id="${nodeId}",state="total"} 7\n`));
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
  servers.push(server);
}

describe('dns_sd_configs against dnsmasq', () => {
  it('type A: one target per A record, each a Kong pod on its own loopback address', async () => {
    // One port for every pod, as a headless Service's pods share one containerPort.
    const first = http.createServer();
    await new Promise<void>((r) => first.listen(0, '127.0.0.2', () => r()));
    const port = (first.address() as AddressInfo).port;
    await new Promise((r) => first.close(r));
    await kongPod('127.0.0.2', port, 'pod-a');
    await kongPod('127.0.0.3', port, 'pod-b');
    dnsmasq = await new Dnsmasq().start({ 'kong-metrics.test': ['127.0.0.2', '127.0.0.3'] });

    const d = await discover({ names: ['kong-metrics.test'], type: 'A', port, refresh_interval: '1h', nameservers: [dnsmasq.address] });

    expect(d.updates).toHaveLength(1);
    expect(d.latest().map((g) => ({ ...g, targets: sortedTargets(g) }))).toEqual([
      {
        source: 'kong-metrics.test',
        labels: {},
        targets: [
          { __address__: `127.0.0.2:${port}`, __meta_dns_name: 'kong-metrics.test' },
          { __address__: `127.0.0.3:${port}`, __meta_dns_name: 'kong-metrics.test' },
        ],
      },
    ]);
    const pages = await Promise.all(addresses(d.latest()).map(async (a) => (await fetch(`http://${a}/metrics`)).text()));
    expect(pages.map((p) => /node_id="([^"]+)"/.exec(p)?.[1])).toEqual(['pod-a', 'pod-b']);
  });

  it('records added and removed while running are the next refresh\'s targets; a name gone (NXDOMAIN) leaves an empty group', async () => {
    dnsmasq = await new Dnsmasq().start({ 'kong-metrics.test': ['127.0.0.2', '127.0.0.3'] });
    const d = await discover({ names: ['kong-metrics.test'], type: 'A', port: 8100, refresh_interval: '100ms', nameservers: [dnsmasq.address] });
    expect(addresses(d.latest())).toEqual(['127.0.0.2:8100', '127.0.0.3:8100']);

    dnsmasq.setHosts({ 'kong-metrics.test': ['127.0.0.3', '127.0.0.4', '127.0.0.5'] });
    await until('the new records', () => addresses(d.latest()).join() === '127.0.0.3:8100,127.0.0.4:8100,127.0.0.5:8100');

    dnsmasq.setHosts({ 'other.test': ['127.0.0.9'] });
    await until('an empty group', () => d.latest()[0]?.targets.length === 0);
    expect(d.latest()).toEqual([{ source: 'kong-metrics.test', targets: [], labels: {} }]);
    // Only changes are handed over, although the name was asked about every 100 ms.
    await sleep(350);
    expect(d.updates).toHaveLength(3);
    expect(d.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('type SRV (the default): target:port of each record, with its target and port as meta labels', async () => {
    dnsmasq = await new Dnsmasq().start({}, [
      { name: '_status._tcp.kong.test', target: 'kong-0.kong.test', port: 8100 },
      { name: '_status._tcp.kong.test', target: 'kong-1.kong.test', port: 8101, priority: 1 },
    ]);
    const d = await discover({ names: ['_status._tcp.kong.test'], nameservers: [dnsmasq.address] });
    expect(sortedTargets(d.latest()[0])).toEqual([
      { __address__: 'kong-0.kong.test:8100', __meta_dns_name: '_status._tcp.kong.test', __meta_dns_srv_record_target: 'kong-0.kong.test.', __meta_dns_srv_record_port: '8100' },
      { __address__: 'kong-1.kong.test:8101', __meta_dns_name: '_status._tcp.kong.test', __meta_dns_srv_record_target: 'kong-1.kong.test.', __meta_dns_srv_record_port: '8101' },
    ]);
  });

  it('type AAAA: the IPv6 address in brackets', async () => {
    dnsmasq = await new Dnsmasq().start({ 'kong6.test': ['::1'] });
    const d = await discover({ names: ['kong6.test'], type: 'aaaa', port: 8100, nameservers: [dnsmasq.address] });
    expect(d.latest()).toEqual([{ source: 'kong6.test', labels: {}, targets: [{ __address__: '[::1]:8100', __meta_dns_name: 'kong6.test' }] }]);
  });

  it('several names: one group each, in the order configured', async () => {
    dnsmasq = await new Dnsmasq().start({ 'a.test': ['127.0.0.2'], 'b.test': ['127.0.0.3'] });
    const d = await discover({ names: ['b.test', 'a.test'], type: 'A', port: 1, nameservers: [dnsmasq.address] });
    expect(d.latest().map((g) => [g.source, addresses([g])])).toEqual([
      ['b.test', ['127.0.0.3:1']],
      ['a.test', ['127.0.0.2:1']],
    ]);
  });

  it('a short name is tried with resolv.conf\'s search list, as Prometheus does', async () => {
    dnsmasq = await new Dnsmasq().start({ 'kong-metrics.kong.test': ['127.0.0.2'] });
    const d = await discover({ names: ['kong-metrics'], type: 'A', port: 8100, nameservers: [dnsmasq.address] }, { resolvConfText: 'search kong.test test\noptions ndots:5\n' });
    expect(d.latest()).toEqual([{ source: 'kong-metrics', labels: {}, targets: [{ __address__: '127.0.0.2:8100', __meta_dns_name: 'kong-metrics' }] }]);
  });

  it('a DNS server that stops answering: the last targets are kept, one warning, and one line when it answers again', async () => {
    dnsmasq = await new Dnsmasq().start({ 'kong-metrics.test': ['127.0.0.2'] });
    const d = await discover({ names: ['kong-metrics.test'], type: 'A', port: 8100, refresh_interval: '100ms', nameservers: [dnsmasq.address] });
    const port = dnsmasq.port;
    await dnsmasq.stop();
    await until('the warning', () => d.count('warn', 'dns_sd: lookup failed') === 1);
    await sleep(500);
    expect(d.count('warn', 'dns_sd: lookup failed')).toBe(1);
    expect(d.updates).toHaveLength(1);
    expect(addresses(d.latest())).toEqual(['127.0.0.2:8100']);

    dnsmasq = new Dnsmasq();
    await dnsmasq.start({ 'kong-metrics.test': ['127.0.0.2', '127.0.0.3'] }, [], port);
    await until('the new set', () => addresses(d.latest()).length === 2, 10_000);
    expect(d.count('info', 'dns_sd: the name resolves again')).toBe(1);
  });

  it('stop() ends the refreshes: dnsmasq is asked nothing more', async () => {
    dnsmasq = await new Dnsmasq().start({ 'kong-metrics.test': ['127.0.0.2'] });
    const d = await discover({ names: ['kong-metrics.test'], type: 'A', port: 8100, refresh_interval: '50ms', nameservers: [dnsmasq.address] });
    await until('a few refreshes', () => (dnsmasq?.queriesFor('kong-metrics.test') ?? 0) >= 3);
    await discoverer?.stop();
    const asked = dnsmasq.queriesFor('kong-metrics.test');
    await sleep(300);
    expect(dnsmasq.queriesFor('kong-metrics.test')).toBe(asked);
    expect(d.updates).toHaveLength(1);
  });

  it('a failed lookup logs the name and reason only', async () => {
    const lines: string[] = [];
    discoverer = new DnsSdDiscoverer(dnsSdConfigSchema.parse({ names: ['kong.test'], type: 'A', port: 1, nameservers: ['127.0.0.1:1'] }), {
      logger: textLogger(lines),
      resolvConf: resolvConf(),
    });
    const updates: (readonly TargetGroup[])[] = [];
    await discoverer.start((g) => updates.push(g));
    expect(updates).toEqual([[]]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 40, name: 'kong.test', type: 'A', discovery: 'dns' });
  });
});
