import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { KONGTEL_BIN, ROOT, type PrometheusServer, runProcess, type RunningProcess, startPrometheus } from '../support/processes.js';
import { blocks } from '../support/readme.js';
import { tempDir } from '../support/temp.js';
import { waitFor } from '../support/wait.js';

/**
 * docs/getting-started.md, run as a user runs it: the default pipelines.yaml (its interval shortened from
 * 10 s to 1 s so the test does not wait), the guide's curl commands, its prometheus.yml (scrape interval
 * 1 s instead of 15 s) in a real Prometheus, and its PromQL queries, which must return data. Each
 * command's ports are this test's own. Step 3 (Kong's Admin API) needs a Kong and is not run here; the
 * same plugin fields are checked in deploy/kong by test/deploy.
 */
const guide = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8');
const sh = blocks(guide, 'sh').flatMap((b) => b.split('\n'));
const promql = blocks(guide, 'promql').flatMap((b) => b.split('\n').filter((l) => l.trim() !== ''));

describe('docs/getting-started.md works as written', () => {
  let kongtel: RunningProcess;
  let prometheus: PrometheusServer;
  const ports: Record<string, number> = {};
  /** The guide's default addresses → this test's. */
  const local = (text: string): string =>
    text
      .replaceAll('localhost:8080', `127.0.0.1:${ports.log}`)
      .replaceAll('localhost:9464', `127.0.0.1:${ports.prom}`)
      .replaceAll('localhost:13133', `127.0.0.1:${ports.health}`)
      .replaceAll('localhost:8888', `127.0.0.1:${ports.self}`);
  const run = (command: string): string => execFileSync('bash', ['-c', local(command)], { cwd: ROOT, encoding: 'utf8' });
  const command = (prefix: string): string[] => sh.filter((l) => l.startsWith(prefix));

  beforeAll(async () => {
    for (const k of ['log', 'prom', 'health', 'self']) ports[k] = await freePort();
    const config = join(tempDir('getting-started'), 'pipelines.yaml');
    const yaml = readFileSync(join(ROOT, 'pipelines.yaml'), 'utf8');
    expect(yaml).toContain('interval: 10s');
    writeFileSync(config, yaml.replace('interval: 10s', 'interval: 1s'));
    expect(command('npm start')).toHaveLength(1);
    kongtel = runProcess(process.execPath, [KONGTEL_BIN, '--config', config], {
      KONGTEL_HTTP_LOG_ENDPOINT: `127.0.0.1:${ports.log}`,
      KONGTEL_PROMETHEUS_ENDPOINT: `127.0.0.1:${ports.prom}`,
      KONGTEL_HEALTH_ENDPOINT: `127.0.0.1:${ports.health}`,
      KONGTEL_SELF_METRICS_ENDPOINT: `127.0.0.1:${ports.self}`,
    });
    const [health] = command('curl -s localhost:13133');
    await waitFor('kongtel health check', async () => (run(`${health} || true`).includes('Server available') ? true : undefined), 20_000);
    const [prometheusYml] = blocks(guide, 'yaml').filter((b) => b.includes('scrape_configs'));
    const jobs = local(prometheusYml.slice(prometheusYml.indexOf('scrape_configs:\n') + 'scrape_configs:\n'.length));
    prometheus = await startPrometheus([], '1s', jobs);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await kongtel?.stop();
  });

  it('step 2: the sample entries are answered 200 and show on /metrics', async () => {
    const posts = command('curl -s -X POST localhost:8080/');
    expect(posts).toHaveLength(2);
    for (const post of posts) expect(run(`${post} -o /dev/null -w '%{http_code}'`)).toBe('200');
    const [metrics] = command('curl -s localhost:9464/metrics');
    await waitFor('the guide\'s grep finds both metrics', async () => {
      const out = run(`${metrics} || true`);
      return out.includes('http_server_request_count_total{') && out.includes('gen_ai_client_token_usage_total{') ? true : undefined;
    }, 10_000);
  });

  it("step 4: Prometheus scrapes both jobs and every query of the guide returns data", async () => {
    expect(promql).toHaveLength(3);
    // The entries keep coming, as Kong's would, so rate() sees increases.
    const again = setInterval(() => command('curl -s -X POST localhost:8080/').forEach((c) => run(`${c} -o /dev/null`)), 500);
    try {
      await waitFor('both jobs up', async () => ((await prometheus.query('sum(up)'))[0]?.value === 2 ? true : undefined), 15_000, 250);
      for (const q of promql) {
        await waitFor(`"${q}" returns data`, async () => {
          const result = await prometheus.query(q);
          return result.length > 0 && result.every((r) => r.value > 0) ? true : undefined;
        }, 15_000, 250);
      }
    } finally {
      clearInterval(again);
    }
  });
});
