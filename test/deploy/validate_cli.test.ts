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

  it('the sharded scrapers (StatefulSet kongtel-scraper): dns_sd_configs and the hashmod relabelling', () => {
    const { text, variables } = workloadPipeline(objects, 'StatefulSet', 'kongtel-scraper');
    const env = sampleEnv(variables, 'kongtel-scraper-0');
    const file = configFile(text, 'deploy-scrapers');
    const run = runKongtel(['validate', '--config', file], env);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${file}: valid (1 pipeline: metrics/dynatrace)\n`);
    expect(run.code).toBe(0);
  });
});
