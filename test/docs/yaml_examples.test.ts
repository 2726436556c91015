import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../core/index.js';
import { FACTORIES } from '../../cmd/components.js';
import { ROOT } from '../support/processes.js';
import { configIssues } from '../support/config_errors.js';
import { yamlBlocks } from '../support/readme.js';

/**
 * Docs cannot drift from the config schema: every ```yaml block in the READMEs and every file in
 * examples/ is parsed, and each component section in it is validated by the component's own schema.
 */
const SECTIONS = ['receivers', 'processors', 'exporters', 'extensions'] as const;

function markdownFiles(): string[] {
  const out = [join(ROOT, 'README.md')];
  for (const dir of ['receivers', 'processors', 'exporters', 'extensions', 'docs']) {
    const base = join(ROOT, dir);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const readme = join(base, name, 'README.md');
      if (existsSync(readme)) out.push(readme);
      if (name.endsWith('.md')) out.push(join(base, name));
    }
  }
  return out;
}

/** Wraps a fragment's component sections into a config with a pipeline that uses nothing, to validate the components alone. */
function componentIssues(text: string): string[] {
  const tree = parse(text) as Record<string, unknown> | null;
  if (!tree || typeof tree !== 'object' || !SECTIONS.some((s) => s in tree)) return [];
  const fragment = Object.fromEntries(SECTIONS.filter((s) => s in tree).map((s) => [s, tree[s]]));
  // The fragment's own service.extensions stay: a `storage` key needs its extension listed there.
  const service = tree.service as { extensions?: unknown } | undefined;
  const withService = { ...fragment, service: { pipelines: {}, ...(service?.extensions === undefined ? {} : { extensions: service.extensions }) } };
  const env = { KONGTEL_TOKEN: 'token', DT_API_TOKEN: 'x', DT_ENDPOINT: 'https://x.live.dynatrace.com/api/v2/otlp' };
  // The empty pipeline map is the wrapper's doing, not the example's.
  return configIssues(() => parseConfig(JSON.stringify(withService), 'example', FACTORIES, env)).filter((m) => !m.startsWith('service.pipelines:'));
}

describe('YAML examples in the docs', () => {
  const files = markdownFiles();
  it('every component folder has a README with a YAML example', () => {
    for (const section of SECTIONS) {
      for (const name of readdirSync(join(ROOT, section))) {
        const readme = join(ROOT, section, name, 'README.md');
        expect(existsSync(readme), `${section}/${name}/README.md`).toBe(true);
        expect(yamlBlocks(readFileSync(readme, 'utf8')).length, `${section}/${name}/README.md has a yaml block`).toBeGreaterThan(0);
      }
    }
  });

  for (const file of files) {
    it(`${file.slice(ROOT.length)}: every yaml block is valid`, () => {
      for (const block of yamlBlocks(readFileSync(file, 'utf8'))) expect(componentIssues(block), block).toEqual([]);
    });
  }

  it('the Kubernetes log receivers ConfigMap (deploy/kubernetes/components/log-receivers/pipelines.yaml) holds a valid pipeline', () => {
    const pipelines = readFileSync(join(ROOT, 'deploy/kubernetes/components/log-receivers/pipelines.yaml'), 'utf8');
    const env = { KONGTEL_TOKEN: 't', DT_ENDPOINT: 'https://abc123.live.dynatrace.com/api/v2/otlp', DT_API_TOKEN: 't', POD_NAME: 'kongtel-0' };
    const config = parseConfig(pipelines, 'log-receivers/pipelines.yaml', FACTORIES, env);
    expect(config.pipelines.map((p) => p.id)).toEqual(['metrics/prometheus', 'metrics/dynatrace']);
    expect(config.service.telemetry.resource['service.instance.id']).toBe('kongtel-0');
  });

  const examples = join(ROOT, 'examples');
  if (existsSync(examples)) {
    for (const name of readdirSync(examples).filter((n) => n.endsWith('.yaml'))) {
      it(`examples/${name} is a valid config`, () => {
        const env = { DT_API_TOKEN: 'token', DT_ENDPOINT: 'https://abc123.live.dynatrace.com/api/v2/otlp', KONGTEL_TOKEN: 'token', GRAFANA_CLOUD_INSTANCE_ID: '123', GRAFANA_CLOUD_TOKEN: 't', GRAFANA_CLOUD_OTLP_ENDPOINT: 'https://otlp-gateway-prod-eu-west-0.grafana.net/otlp', OTLP_ENDPOINT: 'http://collector:4318' };
        expect(() => parseConfig(readFileSync(join(examples, name), 'utf8'), name, FACTORIES, env)).not.toThrow();
      });
    }
  }
});
