import { z } from 'zod';
import { byteSize, duration, refusedKey, storageId } from '../../core/index.js';

/**
 * The OTel Collector's `otlphttp` exporter keys and defaults (exporter/otlphttpexporter, configretry,
 * exporterhelper's sending queue), so a Collector config fragment moves over unchanged.
 */

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function httpUrl(key: string) {
  return z.string().refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '';
      } catch {
        return false;
      }
    },
    { message: `${key} must be an http:// or https:// URL, e.g. "https://{env-id}.live.dynatrace.com/api/v2/otlp"` },
  );
}

const retrySchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    initial_interval: duration().default(5_000),
    max_interval: duration().default(30_000),
    /** 0 = retry forever (the queue then fills and pushes back on the receivers). */
    max_elapsed_time: duration().default(300_000),
    multiplier: z.number().min(1, { message: 'must be at least 1 (1 keeps the interval constant)' }).default(1.5),
    randomization_factor: z
      .number()
      .min(0, { message: 'must be between 0 and 1' })
      .max(1, { message: 'must be between 0 and 1' })
      .default(0.5),
  })
  .superRefine((r, ctx) => {
    if (r.initial_interval <= 0) ctx.addIssue({ code: 'custom', path: ['initial_interval'], message: 'must be greater than 0, e.g. "5s"' });
    if (r.max_interval < r.initial_interval) {
      ctx.addIssue({ code: 'custom', path: ['max_interval'], message: 'must not be less than initial_interval' });
    }
    if (r.max_elapsed_time > 0 && r.max_elapsed_time < r.max_interval) {
      ctx.addIssue({
        code: 'custom',
        path: ['max_elapsed_time'],
        message: 'must be 0 (retry forever) or at least max_interval and initial_interval',
      });
    }
  });

const queueSchema = z.strictObject({
  enabled: z.boolean().default(true),
  num_consumers: z.number().int().min(1, { message: 'must be a whole number of at least 1' }).default(10),
  /** Capacity in requests (one request per consumed batch). */
  queue_size: z.number().int().min(1, { message: 'must be a whole number of at least 1' }).default(1000),
  /** A storage extension's id (`file_storage`): makes the queue persistent (survives restarts and crashes). */
  storage: storageId(['exporters', 'otlphttp', 'sending_queue', 'storage']).optional(),
  // exporterhelper keys (core exporter/exporterhelper/README.md, 934999fb) kongtel does not have.
  sizer: refusedKey('kongtel sizes the queue in requests (one per batch) only; remove sizer ("requests" is accepted)', ['requests']),
  block_on_overflow: refusedKey(
    'a full queue refuses new data at once, so the receiver answers 429/503 and Kong retries; remove block_on_overflow (false is accepted)',
    [false],
  ),
  wait_for_result: refusedKey('consume() returns once the request is queued (on disk with storage); remove wait_for_result (false is accepted)', [false]),
  batch: refusedKey('kongtel batches in the batch processor: put processors: [..., batch] in the pipeline; remove sending_queue.batch'),
});

const notMetrics = (key: string) =>
  refusedKey(`kongtel exports metrics only, so ${key} would never be used; metrics go to metrics_endpoint (or endpoint + /v1/metrics); remove it`);

export const otlpHttpConfigSchema = z
  .strictObject({
    /** Base URL; `/v1/metrics` is appended. */
    endpoint: httpUrl('endpoint').optional(),
    /** Full URL, used verbatim (wins over `endpoint`). */
    metrics_endpoint: httpUrl('metrics_endpoint').optional(),
    // The Collector's keys for other signals and Go's HTTP client (core otlphttpexporter README, 934999fb).
    traces_endpoint: notMetrics('traces_endpoint'),
    logs_endpoint: notMetrics('logs_endpoint'),
    profiles_endpoint: notMetrics('profiles_endpoint'),
    /** Go HTTP client buffer sizes; Node's client sizes its own, and they change nothing that is sent: accepted and ignored. */
    read_buffer_size: byteSize().optional(),
    write_buffer_size: byteSize().optional(),
    headers: z
      .record(
        z.string().regex(HEADER_NAME, { message: 'header names are letters, digits and -_.!#$%&\'*+^`|~' }),
        z.string().refine((v) => !/[\r\n\0]/.test(v), { message: 'header values must not contain line breaks' }),
      )
      .default({}),
    auth: z
      .strictObject({
        basic: z
          .strictObject({
            username: z.string().min(1, { message: 'required (Grafana Cloud: the numeric instance id)' }),
            // May be empty: Basic auth allows it, and an unset ${env:…} here is already reported by the config loader.
            password: z.string(),
          })
          .optional(),
        authenticator: refusedKey(
          'kongtel has no authenticator extensions: write the credentials here, auth: { basic: { username, password } }, or a header, headers: { Authorization: "..." }',
        ),
      })
      .prefault({}),
    encoding: z.enum(['proto', 'json']).default('proto'),
    compression: z.enum(['gzip', 'none']).default('gzip'),
    /** Per attempt. */
    timeout: duration().default(30_000),
    tls: z
      .strictObject({
        ca_file: z.string().min(1, { message: 'must be a path to a PEM file' }).optional(),
        insecure_skip_verify: z.boolean().default(false),
        /** The Collector's gRPC-only switch; over HTTP the URL's scheme decides, as here: accepted and ignored. */
        insecure: z.boolean().optional(),
        cert_file: refusedKey('kongtel sends no client certificate (mTLS): authenticate with headers (e.g. Authorization) or auth.basic; remove cert_file'),
        key_file: refusedKey('kongtel sends no client certificate (mTLS): authenticate with headers (e.g. Authorization) or auth.basic; remove key_file'),
      })
      .prefault({}),
    retry_on_failure: retrySchema.prefault({}),
    sending_queue: queueSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.endpoint === undefined && c.metrics_endpoint === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['endpoint'],
        message:
          'required: set endpoint (base URL, /v1/metrics is appended, e.g. "https://{env-id}.live.dynatrace.com/api/v2/otlp") or metrics_endpoint (full URL)',
      });
    }
    if (c.timeout <= 0) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must be greater than 0, e.g. "30s"' });
    if (c.auth.basic && Object.keys(c.headers).some((h) => h.toLowerCase() === 'authorization')) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth', 'basic'],
        message: 'conflicts with headers.Authorization: keep one of them',
      });
    }
  });

export type OtlpHttpConfig = z.output<typeof otlpHttpConfigSchema>;
export type RetryConfig = OtlpHttpConfig['retry_on_failure'];
export type QueueConfig = OtlpHttpConfig['sending_queue'];

/** `endpoint` + `/v1/metrics`, or `metrics_endpoint` verbatim, as the Collector composes it. */
export function metricsUrl(config: Pick<OtlpHttpConfig, 'endpoint' | 'metrics_endpoint'>): URL {
  if (config.metrics_endpoint !== undefined) return new URL(config.metrics_endpoint);
  const base = config.endpoint ?? '';
  return new URL(base.endsWith('/') ? `${base}v1/metrics` : `${base}/v1/metrics`);
}
