import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { tempDir } from '../../support/temp.js';
import { until } from '../../support/wait.js';
import { numberValue, T0, times } from './helpers.js';
import { job, startReceiver, TargetServer, type ReceiverHarness } from './target_server.js';

/** Targets from static_configs and file_sd_configs through relabel_configs, and what a target's page becomes through metric_relabel_configs. */

let servers: TargetServer[] = [];
let h: ReceiverHarness | undefined;
afterEach(async () => {
  await h?.shutdown();
  h = undefined;
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function targets(n: number, body = 'up_total 1\n'): Promise<TargetServer[]> {
  for (let i = 0; i < n; i++) {
    const s = await TargetServer.start();
    s.body = `# TYPE up_total counter\n${body}`;
    servers.push(s);
  }
  return servers;
}

describe('relabel_configs on static targets', () => {
  it('drop removes a target, replace sets a label, __metrics_path__ and __param_* shape the request, __ labels are not attributes', async () => {
    const [a, b] = await targets(2);
    h = await startReceiver(
      job([a.address, b.address], {
        params: { module: ['kong'] },
        relabel_configs: [
          { source_labels: ['__address__'], regex: b.address.replace(/\./g, '\\.'), action: 'drop' },
          { target_label: '__metrics_path__', replacement: '/status/metrics' },
          { source_labels: ['__param_module'], target_label: 'module' },
          { target_label: '__tmp_x', replacement: 'gone' },
        ],
      }),
    );
    await h.advance(0);
    expect(b.requests).toEqual([]);
    expect(a.requests.map((r) => r.path)).toEqual(['/status/metrics?module=kong']);
    expect(h.last().resourceMetrics[0].scopeMetrics[0].metrics[0].dataPoints[0].attributes).toEqual({ module: 'kong' });
    expect(h.receiver.targets.map((t) => t.instance)).toEqual([a.address]);
  });
});

describe('file_sd_configs', () => {
  it('reads JSON and YAML groups by glob with __meta_filepath; a target gone is stopped and forgotten, a new one starts with a baseline', async () => {
    const [a, b, c] = await targets(3);
    const dir = tempDir('file-sd');
    writeFileSync(join(dir, 'one.json'), JSON.stringify([{ targets: [a.address], labels: { zone: 'eu' } }]));
    writeFileSync(join(dir, 'two.yaml'), `- targets: ['${b.address}']\n`);
    writeFileSync(join(dir, 'ignored.txt'), 'not a target file');
    h = await startReceiver({
      scrape_configs: [
        {
          job_name: 'kong',
          scrape_interval: '10s',
          scrape_timeout: '5s',
          file_sd_configs: [{ files: [join(dir, '*.json'), join(dir, '*.yaml')], refresh_interval: '1m' }],
          relabel_configs: [{ source_labels: ['__meta_filepath'], regex: '.*/(.*)\\..*', target_label: 'file' }],
        },
      ],
    });
    expect(h.receiver.targets.map((t) => [t.instance, t.staticLabels]).sort()).toEqual(
      [
        [a.address, { file: 'one', zone: 'eu' }],
        [b.address, { file: 'two' }],
      ].sort(),
    );
    await h.advance(0);
    await h.advance(5_000);
    expect([a.requests.length, b.requests.length]).toEqual([1, 1]);
    // b leaves, c arrives: noticed through fs.watch, long before refresh_interval.
    writeFileSync(join(dir, 'two.yaml'), `- targets: ['${c.address}']\n`);
    await until('c discovered', () => h!.receiver.targets.some((t) => t.instance === c.address));
    expect(h.receiver.targets.map((t) => t.instance).sort()).toEqual([a.address, c.address].sort());
    const bRequests = b.requests.length;
    c.body = '# TYPE up_total counter\nup_total 500\n';
    await h.advance(0);
    await h.advance(5_000);
    expect(b.requests.length).toBe(bRequests);
    const fromC = h.consumer.batches.map((x) => (x.signal === 'metrics' ? x.resourceMetrics : [])).flat().filter((rm) => rm.resource.attributes['service.instance.id'] === c.address);
    expect(c.requests.length).toBe(1);
    expect(fromC.length).toBeGreaterThan(0);
    // Its first scrape is a baseline: the series starts at that scrape (start = end), so 500 is not a delta.
    const [start, end] = times(fromC, 'up_total');
    expect(start).toBe(end);
    // A broken file keeps its last good targets.
    writeFileSync(join(dir, 'one.json'), '[{"targets": [');
    writeFileSync(join(dir, 'two.yaml'), `- targets: ['${c.address}']\n  labels: { extra: 'x' }\n`);
    await until('two.yaml re-read', () => h!.receiver.targets.some((t) => t.staticLabels.extra === 'x'));
    expect(h.receiver.targets.some((t) => t.instance === a.address)).toBe(true);
    expect(h.logs.some((l) => l.msg === 'target file not read: its previous targets are kept')).toBe(true);
  });
});

describe('metric_relabel_configs', () => {
  it('drops series, renames one, drops a label', async () => {
    const [a] = await targets(1);
    a.body = '# TYPE kong_http_requests_total counter\nkong_http_requests_total{service="s",code="200",route="r"} 3\nkong_http_requests_total{service="t",code="200",route="r"} 4\n# TYPE junk gauge\njunk 1\n';
    h = await startReceiver(
      job([a.address], {
        metric_relabel_configs: [
          { source_labels: ['__name__'], regex: 'junk', action: 'drop' },
          { source_labels: ['service'], regex: 't', action: 'drop' },
          { source_labels: ['__name__'], regex: 'kong_(.*)', target_label: '__name__', replacement: 'gw_${1}' },
          { regex: 'route', action: 'labeldrop' },
        ],
      }),
    );
    await h.advance(0);
    const rms = h.last().resourceMetrics;
    expect(rms[0].scopeMetrics[0].metrics.map((m) => m.descriptor.name)).toEqual(['gw_http_requests_total']);
    expect(numberValue(rms, 'gw_http_requests_total', { service: 's', code: '200' })).toBe(3);
    expect(rms[0].scopeMetrics[0].metrics[0].dataPoints[0].attributes).toEqual({ service: 's', code: '200' });
  });
});

describe('a Kong node_id that changes behind one address', () => {
  it('warns once, counts each change, and starts the series anew instead of reading a reset', async () => {
    const [a] = await targets(1);
    const page = (node: string, n: number) => `# TYPE kong_node_info gauge\nkong_node_info{node_id="${node}",version="3.9.0"} 1\n# TYPE kong_http_requests_total counter\nkong_http_requests_total{code="200"} ${n}\n`;
    h = await startReceiver(job([a.address]));
    a.body = page('node-a', 100);
    await h.advance(0);
    a.body = page('node-a', 110);
    await h.advance(10_000);
    const kept = times(h.last().resourceMetrics, 'kong_http_requests_total');
    expect(kept[0]).toBe(T0);
    a.body = page('node-b', 5000);
    await h.advance(10_000);
    const switched = times(h.last().resourceMetrics, 'kong_http_requests_total');
    // A new stream: starts at this scrape (a baseline), not at the previous scrape as a reset would.
    expect(switched).toEqual([T0 + 20_000, T0 + 20_000]);
    a.body = page('node-a', 120);
    await h.advance(10_000);
    const labels = { receiver: 'prometheus', job: 'kong', instance: a.address };
    expect(h.telemetry.value(SelfMetric.receiverScrapeIdentityChanges, labels)).toBe(2);
    expect(h.logs.filter((l) => l.msg.startsWith("the target's Kong node_id changed")).length).toBe(1);
  });
});
