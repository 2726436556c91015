import { describe, expect, it } from 'vitest';
import { pipelineIssues } from '../../support/config_errors.js';

/** What a user reads for a wrong relabel or file_sd entry in a whole pipelines.yaml: the key path, then the fix. */

const config = (job: string) => `receivers:
  prometheus:
    config:
      scrape_configs:
        - job_name: kong
${job}
exporters:
  prometheus: { endpoint: 127.0.0.1:0 }
service:
  pipelines:
    metrics: { receivers: [prometheus], exporters: [prometheus] }
`;
const at = 'receivers.prometheus.config.scrape_configs[0]';

describe('relabel and file_sd config errors', () => {
  it('a lookahead, a hashmod without modulus, a file that is not .json/.yaml', () => {
    const issues = pipelineIssues(
      config(`          file_sd_configs: [{ files: ['/etc/targets/*.txt'] }]
          relabel_configs:
            - { source_labels: [__address__], regex: 'kong(?=-)', action: keep }
            - { source_labels: [__address__], target_label: __tmp_hash, action: hashmod }
          metric_relabel_configs:
            - { regex: 'x', source_labels: [a], action: labeldrop }`),
    );
    expect(issues).toEqual([
      expect.stringMatching(new RegExp(`^${at.replace(/[[\].]/g, '\\$&')}\\.file_sd_configs\\[0\\]\\.files\\[0\\]: must be a path ending in \\.json, \\.yml or \\.yaml`)),
      expect.stringMatching(/relabel_configs\[0\]\.regex: is not an RE2 regular expression .*\(\?=/),
      `${at}.relabel_configs[1].modulus: hashmod needs a modulus above 0 (the number of shards), e.g. modulus: 2`,
      `${at}.metric_relabel_configs[0].source_labels: action labeldrop takes only regex (matched against label names); remove source_labels`,
    ]);
  });

  it('a replacement written ${1} is read as an environment reference: the error says so', () => {
    const issues = pipelineIssues(config(`          static_configs: [{ targets: ['a:1'] }]
          relabel_configs:
            - { source_labels: [__address__], target_label: host, replacement: '\${1}' }`));
    expect(issues.length).toBe(1);
    expect(issues[0]).toMatch(/relabel_configs\[0\]\.replacement/);
  });
});
