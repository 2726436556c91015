import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusReceiverConfigSchema } from '../../../receivers/prometheus/config.js';
import { jobSettings } from '../../../receivers/prometheus/target.js';
import { buildTarget, discoveredLabels } from '../../../receivers/prometheus/target_labels.js';
import { freePort } from '../../support/ports.js';
import { startKongtel, startPrometheus, type PrometheusServer, type RunningProcess } from '../../support/processes.js';
import { tempDir } from '../../support/temp.js';
import { sleep, waitFor } from '../../support/wait.js';
import { TargetServer } from './target_server.js';

/**
 * The sharding recipe of the README: N kongtel scrapers with the same config, each keeping the targets
 * whose hashmod of __address__ is its own shard (`${env:SHARD}`). Two real kongtel processes (dist/: run
 * `npm run build` first) and six stand-in targets; each process sends its shard as a query parameter, so
 * a target's requests show who scrapes it. Then the same rules in a real Prometheus over a file_sd file:
 * its kept and dropped targets are kongtel's.
 */

const rules = (modulus: number, shard: string) => [
  { source_labels: ['__address__'], modulus, target_label: '__tmp_hash', action: 'hashmod' },
  { source_labels: ['__tmp_hash'], regex: shard, action: 'keep' },
];

describe('two kongtel scrapers share six targets', () => {
  const targets: TargetServer[] = [];
  const procs: RunningProcess[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 6; i++) {
      const t = await TargetServer.start();
      t.body = '# TYPE kong_http_requests_total counter\nkong_http_requests_total{code="200"} 1\n';
      targets.push(t);
    }
    for (const shard of ['0', '1']) {
      const health = await freePort();
      const exporter = await freePort();
      const config = `
receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: kong
          scrape_interval: 1s
          scrape_timeout: 500ms
          params: { shard: ['\${env:SHARD}'] }
          static_configs:
            - targets: [${targets.map((t) => `'${t.address}'`).join(', ')}]
          relabel_configs:
            - { source_labels: [__address__], modulus: 2, target_label: __tmp_hash, action: hashmod }
            - { source_labels: [__tmp_hash], regex: '\${env:SHARD}', action: keep }
exporters:
  prometheus:
    endpoint: 127.0.0.1:${exporter}
extensions:
  health_check:
    endpoint: 127.0.0.1:${health}
service:
  extensions: [health_check]
  telemetry: { metrics: { address: "" } }
  pipelines:
    metrics:
      receivers: [prometheus]
      exporters: [prometheus]
`;
      procs.push(await startKongtel(config, health, { SHARD: shard }));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await Promise.all(targets.map((t) => t.close()));
  });

  it('ownership is disjoint and complete, and each shard is the hashmod of the address', async () => {
    await waitFor('every target scraped twice', async () => (targets.every((t) => t.requests.length >= 2) ? true : undefined), 20_000);
    await sleep(1500);
    const config = prometheusReceiverConfigSchema.parse({ scrape_configs: [{ job_name: 'kong', static_configs: [{ targets: ['x:1'] }], relabel_configs: rules(2, '0') }] });
    const settings = await jobSettings(config.scrape_configs[0], 'test');
    for (const t of targets) {
      const shards = new Set(t.requests.map((r) => new URL(r.path, 'http://x').searchParams.get('shard')));
      expect(shards.size, `${t.address} is scraped by one process`).toBe(1);
      const kept0 = 'key' in buildTarget(settings, discoveredLabels(settings, { __address__: t.address }, { source: 's', targets: [], labels: {} }));
      expect([...shards][0], t.address).toBe(kept0 ? '0' : '1');
    }
  });

  it("a stopped shard's targets are not taken over by the other (the README says so)", async () => {
    const shardOf = (t: TargetServer) => new URL(t.requests[0].path, 'http://x').searchParams.get('shard');
    await procs[1].stop('SIGTERM');
    const before = targets.map((t) => t.requests.length);
    await sleep(2500);
    targets.forEach((t, i) => {
      if (shardOf(t) === '1') expect(t.requests.length, t.address).toBe(before[i]);
      else expect(t.requests.length, t.address).toBeGreaterThan(before[i]);
    });
  });
});

const PROMETHEUS = '/usr/bin/prometheus';
const available = existsSync(PROMETHEUS);
if (!available && process.env.CI === 'true') throw new Error(`${PROMETHEUS} not found (apt-get install -y prometheus); CI=true requires it`);

describe.skipIf(!available)('hashmod: kongtel keeps what a real Prometheus keeps', () => {
  let prometheus: PrometheusServer | undefined;
  afterAll(async () => prometheus?.stop());

  it('the same relabel_configs over 60 file_sd targets', async () => {
    const addresses: string[] = [];
    for (let i = 0; i < 60; i++) addresses.push(i % 2 === 0 ? `127.0.0.1:${await freePort()}` : `localhost:${await freePort()}`);
    const dir = tempDir('prom-sd');
    const file = join(dir, 'targets.json');
    writeFileSync(file, JSON.stringify([{ targets: addresses }]));
    const modulus = 3;
    prometheus = await startPrometheus(
      [],
      '1m',
      `  - job_name: shard
    file_sd_configs: [{ files: ['${file}'] }]
    relabel_configs:
      - { source_labels: [__address__], modulus: ${modulus}, target_label: __tmp_hash, action: hashmod }
      - { source_labels: [__tmp_hash], regex: '1', action: keep }
`,
    );
    type Listed = { discoveredLabels: Record<string, string> };
    const api = await waitFor(
      'Prometheus lists all 60 targets',
      async () => {
        const body = (await (await fetch(`${prometheus!.url}/api/v1/targets`)).json()) as { data: { activeTargets: Listed[]; droppedTargets: Listed[] } };
        return body.data.activeTargets.length + body.data.droppedTargets.length === 60 ? body.data : undefined;
      },
      30_000,
      250,
    );
    const promKept = api.activeTargets.map((t) => t.discoveredLabels.__address__).sort();
    const config = prometheusReceiverConfigSchema.parse({ scrape_configs: [{ job_name: 'shard', file_sd_configs: [{ files: [file] }], relabel_configs: rules(modulus, '1') }] });
    const settings = await jobSettings(config.scrape_configs[0], 'test');
    const group = { source: file, targets: [], labels: { __meta_filepath: file } };
    const kongtelKept = addresses.filter((a) => 'key' in buildTarget(settings, discoveredLabels(settings, { __address__: a }, group))).sort();
    expect(kongtelKept).toEqual(promKept);
    expect(promKept.length).toBeGreaterThan(5);
    expect(promKept.length).toBeLessThan(55);
  }, 60_000);
});
