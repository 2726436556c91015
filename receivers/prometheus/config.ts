import { z } from 'zod';
import { byteSize, duration, parseEndpoint, refusedKey } from '../../core/index.js';
import { dnsSdConfigSchema, type DnsSdConfig } from './discovery/dns_sd_config.js';
import { fileSdConfigSchema, type FileSdConfig } from './discovery/file_sd_config.js';
import { kubernetesSdConfigSchema, type KubernetesSdConfig } from './discovery/kubernetes_sd_config.js';
import { relabelConfigsSchema, type RelabelRule } from './relabel/schema.js';

/**
 * The Collector's `prometheus` receiver config, which is Prometheus' own `scrape_configs` wrapped in
 * `config:`. Both that shape and a bare top-level `scrape_configs` are accepted, so a Collector fragment
 * (Dynatrace's Kong guide) moves over unchanged and a hand-written one can skip the wrapper. Only the
 * keys kongtel implements are accepted: anything else is an error, not silently ignored.
 */

/** 64 MiB: far above any Kong page, far below what would strain the process. */
export const DEFAULT_BODY_SIZE_LIMIT = 64 * 1024 * 1024;

/** Prometheus' defaults (`global.scrape_interval` 1m, `global.scrape_timeout` 10s). */
export const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const target = z.string().superRefine((v, ctx) => {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
    ctx.addIssue({ code: 'custom', message: `write the target as host:port without a scheme (e.g. "kong:8100"); set scheme: https for HTTPS` });
    return;
  }
  const hp = parseEndpoint(v);
  if (hp === undefined || v.trim().startsWith(':') || hp.port === 0) {
    ctx.addIssue({ code: 'custom', message: 'must be host:port with a port above 0, e.g. "kong:8100" (Kong\'s Status API)' });
  }
});

const staticLabels = z
  .record(z.string(), z.string({ message: 'must be a string (quote numbers: "1")' }))
  .superRefine((labels, ctx) => {
    for (const name of Object.keys(labels)) {
      if (!LABEL_NAME.test(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is not a Prometheus label name: use letters, digits and _, not starting with a digit' });
      } else if (name.startsWith('__')) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'label names starting with "__" are reserved by Prometheus' });
      } else if (name === 'job' || name === 'instance') {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `is set by the receiver (job = job_name, instance = the target, both as resource attributes); pick another name`,
        });
      }
    }
  });

const staticConfig = z.strictObject({
  targets: z.array(target).min(1, 'list at least one host:port to scrape, e.g. ["kong:8100"]'),
  /** Added to every point scraped from these targets. */
  labels: staticLabels.default({}),
});

const basicAuth = z.strictObject({
  username: z.string().min(1, 'must not be empty'),
  password: z.string(),
});

const tlsConfig = z.strictObject({
  /** PEM file of the CAs that signed the target's certificate (default: the system's CAs). */
  ca_file: z.string().min(1, 'must be the path of a PEM file of CA certificates').optional(),
  insecure_skip_verify: z.boolean().default(false),
});

const scrapeConfigInput = z.strictObject({
  /** Becomes `service.name` of everything scraped by the job. */
  job_name: z.string().min(1, 'must not be empty, e.g. "kong" (it becomes service.name)'),
  /** Unset: `global.scrape_interval`, else 1m. */
  scrape_interval: duration()
    .refine((ms) => ms >= 1, 'must be more than 0, e.g. "15s"')
    .optional(),
  /** Unset: `global.scrape_timeout` (10s), but never more than the interval. */
  scrape_timeout: duration()
    .refine((ms) => ms >= 1, 'must be more than 0, e.g. "10s"')
    .optional(),
  metrics_path: z
    .string()
    .regex(/^\/[^#\s]*$/, 'must be a URL path starting with "/" (no spaces or fragment), e.g. "/metrics"')
    .default('/metrics'),
  scheme: z.enum(['http', 'https']).default('http'),
  static_configs: z.array(staticConfig).default([]),
  file_sd_configs: z.array(fileSdConfigSchema).default([]),
  dns_sd_configs: z.array(dnsSdConfigSchema).default([]),
  kubernetes_sd_configs: z.array(kubernetesSdConfigSchema).default([]),
  /** Prometheus' key: query parameters of every scrape (the first value is also the `__param_<name>` label). */
  params: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a parameter name of letters, digits and _'), z.array(z.string()).min(1, 'list at least one value')).default({}),
  /** Applied to every target before it is scraped (Prometheus' actions and defaults). */
  relabel_configs: relabelConfigsSchema,
  /** Applied to every scraped series before conversion. */
  metric_relabel_configs: relabelConfigsSchema,
  basic_auth: basicAuth.optional(),
  bearer_token: z.string().min(1, 'must not be empty; remove the key to send no token').optional(),
  /** false: a scraped `job`/`instance` (or static label) is kept as `exported_<name>`; true: the scraped one wins. */
  honor_labels: z.boolean().default(false),
  tls_config: tlsConfig.default({ insecure_skip_verify: false }),
  /**
   * Prometheus' key: a page larger than this once decompressed fails the scrape (a gzip bomb or a runaway
   * exporter cannot fill memory). 0 = no limit, Prometheus' default; kongtel's is 64 MiB (a Kong page of
   * 10 000 series is about 1.1 MiB).
   */
  body_size_limit: byteSize().default(DEFAULT_BODY_SIZE_LIMIT),
});

const globalConfig = z.strictObject({
  scrape_interval: duration()
    .refine((ms) => ms >= 1, 'must be more than 0, e.g. "15s"')
    .optional(),
  scrape_timeout: duration()
    .refine((ms) => ms >= 1, 'must be more than 0, e.g. "10s"')
    .optional(),
});

type ScrapeConfigInput = z.output<typeof scrapeConfigInput>;
type GlobalConfig = z.output<typeof globalConfig>;

const scrapeConfigs = z.array(scrapeConfigInput).superRefine((jobs, ctx) => {
  const seen = new Map<string, number>();
  jobs.forEach((job, i) => {
    const first = seen.get(job.job_name);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'job_name'],
        message: `"${job.job_name}" is already the job_name of scrape_configs[${first}]; each job needs its own name`,
      });
    } else seen.set(job.job_name, i);
    const discovered = job.file_sd_configs.length + job.dns_sd_configs.length + job.kubernetes_sd_configs.length;
    if (job.static_configs.length === 0 && discovered === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'static_configs'],
        message: 'add static_configs: [{ targets: ["kong:8100"] }], or file_sd_configs, dns_sd_configs or kubernetes_sd_configs to discover Kong\'s pods',
      });
    }
    if (job.basic_auth !== undefined && job.bearer_token !== undefined) {
      ctx.addIssue({ code: 'custom', path: [i, 'bearer_token'], message: 'set basic_auth or bearer_token, not both' });
    }
  });
});

const wrapped = z.strictObject({
  global: globalConfig.optional(),
  scrape_configs: scrapeConfigs,
});

const input = z.strictObject({
  /** The Collector's shape: Prometheus' config under `config:`. */
  config: wrapped.optional(),
  global: globalConfig.optional(),
  scrape_configs: scrapeConfigs.optional(),
  // The Collector receiver's own options (same README).
  trim_metric_suffixes: refusedKey("kongtel keeps scraped names as Kong's plugin writes them (kong_metrics maps them to OpenTelemetry names); remove trim_metric_suffixes (false is accepted)", [false]),
  use_start_time_metric: refusedKey(
    "kongtel starts a series at the first scrape that sees it (a counter's earlier count is unknown) and at each reset; remove use_start_time_metric (false is accepted)",
    [false],
  ),
  start_time_metric_regex: refusedKey('only used with use_start_time_metric, which kongtel does not have; remove start_time_metric_regex'),
  target_allocator: refusedKey("kongtel has no target allocator client: list the targets in config.scrape_configs[].static_configs; remove target_allocator"),
  api_server: refusedKey("kongtel serves no Prometheus API; its own metrics are on service.telemetry.metrics (/metrics); remove api_server", [{ enabled: false }]),
});

export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** One job, with every default resolved (durations in milliseconds). */
export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval: number;
  readonly scrape_timeout: number;
  readonly metrics_path: string;
  readonly scheme: 'http' | 'https';
  readonly static_configs: readonly StaticConfig[];
  readonly file_sd_configs: readonly FileSdConfig[];
  readonly dns_sd_configs: readonly DnsSdConfig[];
  readonly kubernetes_sd_configs: readonly KubernetesSdConfig[];
  readonly params: Readonly<Record<string, readonly string[]>>;
  readonly relabel_configs: readonly RelabelRule[];
  readonly metric_relabel_configs: readonly RelabelRule[];
  readonly basic_auth?: { readonly username: string; readonly password: string };
  readonly bearer_token?: string;
  readonly honor_labels: boolean;
  readonly tls_config: { readonly ca_file?: string; readonly insecure_skip_verify: boolean };
  /** Bytes of a decompressed page; 0 = no limit. */
  readonly body_size_limit: number;
}

export interface PrometheusReceiverConfig {
  readonly scrape_configs: readonly ScrapeConfig[];
}

function resolveJob(job: ScrapeConfigInput, global: GlobalConfig | undefined): ScrapeConfig {
  const interval = job.scrape_interval ?? global?.scrape_interval ?? DEFAULT_SCRAPE_INTERVAL_MS;
  // As Prometheus: an unset timeout is the global one, cut to the interval when that is shorter.
  const timeout = job.scrape_timeout ?? Math.min(global?.scrape_timeout ?? DEFAULT_SCRAPE_TIMEOUT_MS, interval);
  return { ...job, scrape_interval: interval, scrape_timeout: timeout };
}

export const prometheusReceiverConfigSchema: z.ZodType<PrometheusReceiverConfig> = input
  .superRefine((c, ctx) => {
    if (c.config !== undefined && (c.scrape_configs !== undefined || c.global !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [c.scrape_configs !== undefined ? 'scrape_configs' : 'global'],
        message: 'write it under config: (as the Collector does) or at the top level, not both',
      });
      return;
    }
    const base = c.config !== undefined ? ['config'] : [];
    const jobs = c.config?.scrape_configs ?? c.scrape_configs;
    const global = c.config?.global ?? c.global;
    if (jobs === undefined || jobs.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: [...base, 'scrape_configs'],
        message: 'list at least one job, e.g. scrape_configs: [{ job_name: kong, static_configs: [{ targets: ["kong:8100"] }] }]',
      });
      return;
    }
    jobs.forEach((job, i) => {
      const resolved = resolveJob(job, global);
      if (resolved.scrape_timeout > resolved.scrape_interval) {
        ctx.addIssue({
          code: 'custom',
          path: [...base, 'scrape_configs', i, job.scrape_timeout !== undefined ? 'scrape_timeout' : 'scrape_interval'],
          message: `scrape_timeout (${resolved.scrape_timeout} ms) must not exceed scrape_interval (${resolved.scrape_interval} ms)`,
        });
      }
    });
  })
  .transform((c): PrometheusReceiverConfig => {
    const global = c.config?.global ?? c.global;
    const jobs = c.config?.scrape_configs ?? c.scrape_configs ?? [];
    return { scrape_configs: jobs.map((job) => resolveJob(job, global)) };
  });
