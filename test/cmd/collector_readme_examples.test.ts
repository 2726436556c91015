import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { KONGTEL_BIN, ROOT } from '../support/processes.js';
import { tempDir } from '../support/temp.js';

/**
 * Issue 10: every YAML example in the Collector's README of each component kongtel has, run through
 * `kongtel validate` as the README writes it. Each is accepted with the Collector's meaning, or refused
 * with a message that says what kongtel does instead — never a bare "unknown key".
 *
 * Sources (README.md of each folder):
 * - open-telemetry/opentelemetry-collector@934999fbab274d10cbf18704b4594a6fb2049887: receiver/otlpreceiver,
 *   processor/batchprocessor, processor/memorylimiterprocessor, exporter/otlphttpexporter
 * - open-telemetry/opentelemetry-collector-contrib: receiver/prometheusreceiver @17d4c85d08dbb1950dbcd8806bb738a148ea9112,
 *   processor/cumulativetodeltaprocessor @44b9d264a97caee6c3f25f686e7200ffacc3902b,
 *   exporter/prometheusexporter @8b6660a3b51fabc75a8b3a35c5206516e2a808e7,
 *   extension/healthcheckextension @4cec892e57123ea7e97675774e00b95d9eb6b04d,
 *   extension/storage/filestorage @081fceadc7dce840498ff68bb5293968c2ca7511
 * Where a README writes a placeholder that is not YAML (`...` for "the rest", `<metric_1_name>` and `.`
 * lines), it is filled in and the case says so; everything else is verbatim.
 *
 * A README example is a fragment: the wrapper adds a kongtel pipeline of its own (ids `…/wrap`) and lists
 * the example's extensions in service.extensions, as the READMEs' own full configs do.
 */

interface Case {
  readonly name: string;
  readonly yaml: string;
  /** Empty: valid. Otherwise every error line `kongtel validate` prints, in order. */
  readonly refused: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: 'otlp receiver: getting started (grpc and http)',
    yaml: `receivers:
  otlp:
    protocols:
      grpc:
      http:
`,
    refused: [
      'receivers.otlp.protocols.grpc: kongtel receives OTLP over HTTP only: remove `grpc` and point senders at protocols.http (port 4318, path /v1/metrics); in Kong set config.metrics.endpoint to http://<kongtel>:4318/v1/metrics',
    ],
  },
  {
    name: 'otlp receiver: CORS',
    yaml: `receivers:
  otlp:
    protocols:
      http:
        endpoint: "localhost:4318"
        cors:
          allowed_origins:
            - http://test.com
            # Origins can have wildcards with *, use * by itself to match any origin.
            - https://*.example.com
          allowed_headers:
            - Example-Header
          max_age: 7200
`,
    refused: ['receivers.otlp.protocols.http.cors: kongtel answers no browser (CORS) requests: OTLP comes from Kong and from collectors, which need none; remove cors'],
  },
  {
    name: 'batch: two instances',
    yaml: `processors:
  batch:
  batch/2:
    send_batch_size: 10000
    timeout: 10s
`,
    refused: [],
  },
  {
    name: 'batch: max size, no timeout',
    yaml: `processors:
  batch:
    send_batch_max_size: 10000
    timeout: 0s
`,
    refused: [],
  },
  {
    name: 'batch: by client metadata',
    yaml: `processors:
  batch:
    # batch data by tenant-id
    metadata_keys:
    - tenant_id

    # limit to 10 batcher processes before raising errors
    metadata_cardinality_limit: 10
`,
    refused: ['processors.batch.metadata_keys: kongtel keeps no client metadata (no per-tenant headers reach the pipeline), so each batch holds data of every sender; remove metadata_keys'],
  },
  {
    name: 'memory_limiter: MiB',
    yaml: `processors:
  memory_limiter:
    check_interval: 1s
    limit_mib: 4000
    spike_limit_mib: 800
`,
    refused: [],
  },
  {
    name: 'memory_limiter: percentage',
    yaml: `processors:
  memory_limiter:
    check_interval: 1s
    limit_percentage: 80
    spike_limit_percentage: 15
`,
    refused: [],
  },
  {
    name: 'otlp_http exporter',
    yaml: `exporters:
  otlp_http:
    endpoint: https://example.com:4318
`,
    refused: [],
  },
  {
    name: 'otlp_http exporter: compression none (README "..." filled with the endpoint)',
    yaml: `exporters:
  otlp_http:
    endpoint: https://example.com:4318
    compression: none
`,
    refused: [],
  },
  {
    name: 'otlp_http exporter: json (README "..." filled with the endpoint)',
    yaml: `exporters:
  otlp_http:
    endpoint: https://example.com:4318
    encoding: json
`,
    refused: [],
  },
  {
    name: 'prometheus receiver: static job and a Kubernetes job',
    yaml: `receivers:
    prometheus:
      config:
        scrape_configs:
          - job_name: 'otel-collector'
            scrape_interval: 5s
            static_configs:
              - targets: ['0.0.0.0:8888']
          - job_name: k8s
            kubernetes_sd_configs:
            - role: pod
            relabel_configs:
            - source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scrape]
              regex: "true"
              action: keep
            metric_relabel_configs:
            - source_labels: [__name__]
              regex: "(request_duration_seconds.*|response_duration_seconds.*)"
              action: keep
`,
    refused: [],
  },
  {
    name: 'prometheus receiver: top-level options',
    yaml: `receivers:
    prometheus:
      trim_metric_suffixes: true
      use_start_time_metric: true
      start_time_metric_regex: foo_bar_.*
      config:
        scrape_configs:
          - job_name: 'otel-collector'
            scrape_interval: 5s
            static_configs:
              - targets: ['0.0.0.0:8888']
`,
    refused: [
      "receivers.prometheus.trim_metric_suffixes: kongtel keeps scraped names as Kong's plugin writes them (kong_metrics maps them to OpenTelemetry names); remove trim_metric_suffixes (false is accepted)",
      "receivers.prometheus.use_start_time_metric: kongtel starts a series at the first scrape that sees it (a counter's earlier count is unknown) and at each reset; remove use_start_time_metric (false is accepted)",
      'receivers.prometheus.start_time_metric_regex: only used with use_start_time_metric, which kongtel does not have; remove start_time_metric_regex',
    ],
  },
  {
    name: 'prometheus receiver: target allocator',
    yaml: `receivers:
  prometheus:
    target_allocator:
      endpoint: http://my-targetallocator-service
      interval: 30s
      collector_id: collector-1
`,
    refused: [
      'receivers.prometheus.target_allocator: kongtel has no target allocator client: list the targets in config.scrape_configs[].static_configs; remove target_allocator',
      'receivers.prometheus.scrape_configs: list at least one job, e.g. scrape_configs: [{ job_name: kong, static_configs: [{ targets: ["kong:8100"] }] }]',
    ],
  },
  {
    name: 'prometheus receiver: API server (a block the README does not mark as yaml)',
    yaml: `receivers:
  prometheus:
    api_server:
      enabled: true
      server_config:
        endpoint: "localhost:9090"
`,
    refused: [
      'receivers.prometheus.api_server: kongtel serves no Prometheus API; its own metrics are on service.telemetry.metrics (/metrics); remove api_server',
      'receivers.prometheus.scrape_configs: list at least one job, e.g. scrape_configs: [{ job_name: kong, static_configs: [{ targets: ["kong:8100"] }] }]',
    ],
  },
  {
    name: 'cumulativetodelta: strict include (placeholder names and "." lines filled in)',
    yaml: `processors:
    # processor name: cumulativetodelta
    cumulativetodelta:

        # list the exact cumulative sum or histogram metrics to convert to delta
        include:
            metrics:
                - metric_1_name
                - metric_2_name
                - metric_n_name
            match_type: strict
`,
    refused: [],
  },
  {
    // Go's regexp refuses "*metric*" too ("missing argument to repetition operator"): the README's own example is invalid.
    name: 'cumulativetodelta: regexp include',
    yaml: `processors:
    # processor name: cumulativetodelta
    cumulativetodelta:

        # Convert cumulative sum or histogram metrics to delta
        # if and only if 'metric' is in the name
        include:
            metrics:
                - "*metric*"
            match_type: regexp
`,
    refused: ['processors.cumulativetodelta.include.metrics[0]: invalid regular expression "*metric*": Invalid regular expression: /*metric*/: Nothing to repeat'],
  },
  {
    name: 'cumulativetodelta: regexp exclude',
    yaml: `processors:
    # processor name: cumulativetodelta
    cumulativetodelta:

        # Convert cumulative sum or histogram metrics to delta
        # if and only if 'metric' is not in the name
        exclude:
            metrics:
                - "*metric*"
            match_type: regexp
`,
    refused: ['processors.cumulativetodelta.exclude.metrics[0]: invalid regular expression "*metric*": Invalid regular expression: /*metric*/: Nothing to repeat'],
  },
  {
    name: 'cumulativetodelta: no filter',
    yaml: `processors:
    # processor name: cumulativetodelta
    cumulativetodelta:
        # If include/exclude are not specified
        # convert all cumulative sum or histogram metrics to delta
`,
    refused: [],
  },
  {
    name: 'prometheus exporter',
    yaml: `exporters:
  prometheus:
    endpoint: "1.2.3.4:1234"
    tls:
      ca_file: "/path/to/ca.pem"
      cert_file: "/path/to/cert.pem"
      key_file: "/path/to/key.pem"
    namespace: test-space
    const_labels:
      label1: value1
      "another label": spaced value
    send_timestamps: true
    metric_expiration: 180m
    enable_open_metrics: true
    resource_to_telemetry_conversion:
      enabled: true
`,
    refused: [
      'exporters.prometheus.const_labels.another label: is not a Prometheus label name: use letters, digits and _, not starting with a digit (e.g. "region")',
      'exporters.prometheus.send_timestamps: kongtel serves samples without timestamps, so Prometheus stamps each with its scrape time; remove send_timestamps (false is accepted)',
      'exporters.prometheus.enable_open_metrics: kongtel serves the Prometheus text format 0.0.4 only (no OpenMetrics, no exemplars); remove enable_open_metrics (false is accepted)',
      "exporters.prometheus.tls.ca_file: a server checks client certificates against client_ca_file (the Collector's servers do too; ca_file is for clients): write client_ca_file instead",
    ],
  },
  {
    name: 'health_check',
    yaml: `extensions:
  health_check:
  health_check/1:
    endpoint: "localhost:13"
    tls:
      ca_file: "/path/to/ca.crt"
      cert_file: "/path/to/cert.crt"
      key_file: "/path/to/key.key"
    path: "/health/status"
    check_collector_pipeline:
      enabled: true
      interval: "5m"
      exporter_failure_threshold: 5
`,
    refused: [
      'extensions.health_check/1.tls: health_check serves plain HTTP (probes come from the kubelet or the container runtime, which need no TLS); remove tls, or bind endpoint to 127.0.0.1',
      "extensions.health_check/1.check_collector_pipeline: kongtel's health_check answers from the collector's state only (the Collector deprecated this check too); exporter failures show as kongtel_exporter_send_failed_metric_points_total on the self-telemetry /metrics; remove check_collector_pipeline",
    ],
  },
  {
    name: 'file_storage: default and all settings',
    yaml: `extensions:
  file_storage:
  file_storage/all_settings:
    directory: /var/lib/otelcol/mydir
    timeout: 1s
    compaction:
      on_start: true
      directory: /tmp/
      max_transaction_size: 65_536
    fsync: false
`,
    refused: [],
  },
];

const WRAP = {
  receivers: { 'kong_http_log/wrap': { endpoint: '127.0.0.1:0' } },
  processors: { 'kong_metrics/wrap': {} },
  exporters: { 'prometheus/wrap': { endpoint: '127.0.0.1:0' } },
};

/** The example plus a pipeline of the wrapper's own, as JSON (which is YAML). */
function wrapped(yaml: string): string {
  const tree = parse(yaml) as Record<string, Record<string, unknown> | undefined>;
  const out: Record<string, unknown> = {};
  for (const [section, wrap] of Object.entries(WRAP)) out[section] = { ...(tree[section] ?? {}), ...wrap };
  out.extensions = tree.extensions ?? {};
  out.service = {
    extensions: Object.keys(tree.extensions ?? {}),
    telemetry: { metrics: { address: '' } },
    pipelines: { metrics: { receivers: ['kong_http_log/wrap'], processors: ['kong_metrics/wrap'], exporters: ['prometheus/wrap'] } },
  };
  return JSON.stringify(out, null, 2);
}

describe("the Collector's README examples through kongtel validate", () => {
  const dir = tempDir('readme-examples');
  CASES.forEach((c, i) => {
    it(`${c.name}: ${c.refused.length === 0 ? 'accepted' : 'refused, saying what kongtel does instead'}`, () => {
      const file = join(dir, `example-${i}.yaml`);
      writeFileSync(file, wrapped(c.yaml));
      const r = spawnSync(process.execPath, [KONGTEL_BIN, 'validate', '--config', file], { encoding: 'utf8', cwd: ROOT });
      if (c.refused.length === 0) {
        expect(r.stdout).toBe(`${file}: valid (1 pipeline: metrics)\n`);
        expect(r.status).toBe(0);
      } else {
        expect(r.status).toBe(1);
        expect(r.stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.slice(2))).toEqual(c.refused);
      }
    });
  });
});
