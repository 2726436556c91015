import { describe, expect, it } from 'vitest';
import { configFile, runKongtel } from '../support/processes.js';
import { render } from './render.js';
import { sampleEnv, workloadPipeline } from './workload.js';

// `kongtel validate` (the built CLI, dist/: `npm run build`) on each pipeline exactly as the rendered
// ConfigMap holds it, with the environment the pod spec gives it. Nothing secret is printed.
const objects = render('deploy/kubernetes/overlays/full');

describe('kongtel validate accepts the pipelines the manifests mount', () => {
  it('the log receivers (Deployment kongtel)', () => {
    const { text, variables } = workloadPipeline(objects, 'Deployment', 'kongtel');
    const env = sampleEnv(variables, 'kongtel-7d9c5b8f6-x2x7q');
    const file = configFile(text, 'deploy-log-receivers');
    const run = runKongtel(['validate', '--config', file], env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${file}: valid (2 pipelines: metrics/prometheus, metrics/dynatrace)\n`);
    expect(run.code).toBe(0);
  });

  // Until the prometheus receiver takes dns_sd_configs and relabel_configs (issue 12, items 1–2, being
  // built alongside), kongtel refuses the scrapers' pipeline with exactly these errors. When that lands,
  // this flips to `valid (1 pipeline: metrics/dynatrace)`.
  it('the sharded scrapers (StatefulSet kongtel-scraper): refused until discovery and relabelling land', () => {
    const { text, variables } = workloadPipeline(objects, 'StatefulSet', 'kongtel-scraper');
    const env = sampleEnv(variables, 'kongtel-scraper-0');
    const file = configFile(text, 'deploy-scrapers');
    const run = runKongtel(['validate', '--config', file], env);
    const job = 'receivers.prometheus.config.scrape_configs[0]';
    expect(run.stderr).toBe(
      `${file}: 3 config errors:\n` +
        `  ${job}.static_configs: required (expected array)\n` +
        `  ${job}.relabel_configs: kongtel does not relabel targets: set their labels in static_configs[].labels; remove relabel_configs\n` +
        `  ${job}.dns_sd_configs: unknown key (expected one of: job_name, scrape_interval, scrape_timeout, metrics_path, scheme, static_configs, basic_auth, bearer_token, honor_labels, tls_config, body_size_limit, kubernetes_sd_configs, relabel_configs, metric_relabel_configs)\n`,
    );
    expect(run.code).toBe(1);
    for (const value of Object.values(env)) if (value.length > 4) expect(run.stderr).not.toContain(value);
  });
});
