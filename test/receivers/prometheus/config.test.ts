import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseConfig, type Factory } from '../../../core/index.js';
import { prometheusExporterFactory } from '../../../exporters/prometheus/index.js';
import { prometheusReceiverFactory, type PrometheusReceiverConfig } from '../../../receivers/prometheus/index.js';
import { configIssues } from '../../support/config_errors.js';
import { readmeYaml } from '../../support/readme.js';

/** The keys this job does not set, at their defaults (no discovery beyond static_configs, no relabelling). */
const NO_DISCOVERY = { file_sd_configs: [], dns_sd_configs: [], kubernetes_sd_configs: [], params: {}, relabel_configs: [], metric_relabel_configs: [] };
const FACTORIES: readonly Factory[] = [prometheusReceiverFactory, prometheusExporterFactory];

function load(file: string): PrometheusReceiverConfig {
  const text = readFileSync(new URL(`../../testdata/prometheus_receiver/${file}`, import.meta.url), 'utf8');
  const cfg = parseConfig(text, file, FACTORIES, {});
  return cfg.components.receivers.get('prometheus')?.config as PrometheusReceiverConfig;
}

const errorsOf = (file: string): string[] => configIssues(() => load(file));

describe('prometheus receiver config', () => {
  it('factory: type prometheus, a metrics receiver', () => {
    expect(prometheusReceiverFactory).toMatchObject({ kind: 'receiver', type: 'prometheus', signal: 'metrics' });
  });

  it("the Collector's shape (config: scrape_configs), with Prometheus' defaults filled in", () => {
    expect(load('config_collector.yaml')).toEqual({
      scrape_configs: [
        {
          job_name: 'kong',
          scrape_interval: 10_000,
          scrape_timeout: 10_000,
          metrics_path: '/metrics',
          scheme: 'http',
          static_configs: [{ targets: ['kong-metrics.kong:8100'], labels: {} }],
          honor_labels: false,
          tls_config: { insecure_skip_verify: false },
          body_size_limit: 64 * 1024 * 1024,
          ...NO_DISCOVERY,
        },
      ],
    });
  });

  it('every key at the top level; global gives the defaults a job does not set', () => {
    expect(load('config_full.yaml')).toEqual({
      scrape_configs: [
        {
          job_name: 'kong',
          scrape_interval: 15_000,
          scrape_timeout: 3_000,
          metrics_path: '/kong/metrics',
          scheme: 'https',
          static_configs: [
            { targets: ['kong-1:8100', 'kong-2:8100'], labels: { region: 'eu-west-1' } },
            { targets: ['[::1]:8100'], labels: {} },
          ],
          basic_auth: { username: 'scraper', password: 's3cret' },
          honor_labels: true,
          tls_config: { ca_file: '/etc/kongtel/kong-ca.pem', insecure_skip_verify: false },
          body_size_limit: 10 * 1024 * 1024,
          ...NO_DISCOVERY,
        },
        {
          job_name: 'kong-edge',
          scrape_interval: 30_000,
          scrape_timeout: 5_000,
          metrics_path: '/metrics',
          scheme: 'http',
          static_configs: [{ targets: ['edge:8100'], labels: {} }],
          bearer_token: 'abc123',
          honor_labels: false,
          tls_config: { insecure_skip_verify: false },
          body_size_limit: 64 * 1024 * 1024,
          ...NO_DISCOVERY,
        },
      ],
    });
  });

  it('an unset timeout is cut to a shorter interval, as Prometheus does', () => {
    expect(load('config_short_interval.yaml').scrape_configs[0]).toMatchObject({ scrape_interval: 2_000, scrape_timeout: 2_000 });
  });

  const INVALID: [string, string[]][] = [
    ['missing_job_name', ['receivers.prometheus.config.scrape_configs[0].job_name: required (expected string)']],
    ['timeout_over_interval', ['receivers.prometheus.scrape_configs[0].scrape_timeout: scrape_timeout (6000 ms) must not exceed scrape_interval (5000 ms)']],
    ['duplicate_job', ['receivers.prometheus.scrape_configs[1].job_name: "kong" is already the job_name of scrape_configs[0]; each job needs its own name']],
    ['both_shapes', ['receivers.prometheus.scrape_configs: write it under config: (as the Collector does) or at the top level, not both']],
    [
      'targets',
      [
        'receivers.prometheus.scrape_configs[0].static_configs[0].targets[0]: write the target as host:port without a scheme (e.g. "kong:8100"); set scheme: https for HTTPS',
        'receivers.prometheus.scrape_configs[0].static_configs[0].targets[1]: must be host:port with a port above 0, e.g. "kong:8100" (Kong\'s Status API)',
        'receivers.prometheus.scrape_configs[0].static_configs[0].targets[2]: must be host:port with a port above 0, e.g. "kong:8100" (Kong\'s Status API)',
      ],
    ],
    ['both_auth', ['receivers.prometheus.scrape_configs[0].bearer_token: set basic_auth or bearer_token, not both']],
    ['unknown_key', ['receivers.prometheus.config.scrape_configs[0].scrape_intervall: unknown key (did you mean "scrape_interval"?)']],
    [
      'no_scrape_configs',
      ['receivers.prometheus.scrape_configs: list at least one job, e.g. scrape_configs: [{ job_name: kong, static_configs: [{ targets: ["kong:8100"] }] }]'],
    ],
    [
      'labels',
      [
        'receivers.prometheus.scrape_configs[0].scheme: must be one of: "http", "https"',
        'receivers.prometheus.scrape_configs[0].static_configs[0].labels.job: is set by the receiver (job = job_name, instance = the target, both as resource attributes); pick another name',
        'receivers.prometheus.scrape_configs[0].static_configs[0].labels.__meta: label names starting with "__" are reserved by Prometheus',
        'receivers.prometheus.scrape_configs[0].static_configs[0].labels.1bad: is not a Prometheus label name: use letters, digits and _, not starting with a digit',
      ],
    ],
  ];
  for (const [name, expected] of INVALID) {
    it(`refuses config_invalid_${name}.yaml with the key path and the fix`, () => {
      expect(errorsOf(`config_invalid_${name}.yaml`)).toEqual(expected);
    });
  }

  it('the README example is valid and means what it says', () => {
    const blocks = readmeYaml('receivers/prometheus');
    expect(blocks).toHaveLength(2);
    const tree = parseYaml(blocks[0]) as { receivers: { prometheus: unknown } };
    const config = prometheusReceiverFactory.configSchema.parse(tree.receivers.prometheus);
    expect(config.scrape_configs.map((j) => [j.job_name, j.scrape_interval, j.scrape_timeout, j.scheme, j.static_configs.flatMap((s) => s.targets)])).toEqual([
      ['kong', 10_000, 5_000, 'http', ['kong-metrics.kong:8100']],
      ['kong-edge', 30_000, 10_000, 'https', ['kong-edge-1:8100', 'kong-edge-2:8100']],
    ]);
  });

  it("the README's sharding recipe: hashmod then keep on the shard, file_sd, metric relabelling", () => {
    const shard = parseYaml(readmeYaml('receivers/prometheus')[1].replace('${env:SHARD}', '1')) as { receivers: { prometheus: unknown } };
    const job = prometheusReceiverFactory.configSchema.parse(shard.receivers.prometheus).scrape_configs[0];
    expect(job.file_sd_configs).toEqual([{ files: ['/etc/kongtel/targets/*.json'], refresh_interval: 300_000 }]);
    expect(job.relabel_configs.map((r) => [r.action, r.sourceLabels, r.targetLabel, r.modulus, r.regex.source])).toEqual([
      ['hashmod', ['__address__'], '__tmp_hash', 2, '(.*)'],
      ['keep', ['__tmp_hash'], '', 0, '1'],
      ['replace', ['__meta_filepath'], 'targets_file', 0, '.*/(.*)\\.json'],
    ]);
    expect(job.metric_relabel_configs.map((r) => r.action)).toEqual(['drop', 'labeldrop']);
  });
});
