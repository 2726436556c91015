import { z } from 'zod';
import { authSchema, duration, endpoint, httpServerKeys, tlsServerSchema } from '../../core/index.js';

/**
 * Keys and defaults of the Collector's `prometheus` exporter (contrib exporter/prometheusexporter) where
 * they exist, so a Collector config fragment moves over; `naming`, `without_target_info` and
 * `without_scope_info` are kongtel's (the last two named as in `@opentelemetry/exporter-prometheus`).
 */

const PROMETHEUS_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Labels the exporter sets itself: a constant label of the same name would be silently replaced. */
const GENERATED_LABELS = new Set(['job', 'instance', 'le', 'otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url']);

const constLabels = z
  .record(z.string(), z.string({ message: 'must be a string (quote numbers: "1")' }))
  .superRefine((labels, ctx) => {
    for (const name of Object.keys(labels)) {
      if (!PROMETHEUS_NAME.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'is not a Prometheus label name: use letters, digits and _, not starting with a digit (e.g. "region")',
        });
      } else if (name.startsWith('__')) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'label names starting with "__" are reserved by Prometheus' });
      } else if (GENERATED_LABELS.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message:
            'is set by the exporter itself (job/instance come from service.name/service.instance.id, le from histograms, otel_scope_* from the scope); pick another name',
        });
      }
    }
  });

export const prometheusConfigSchema = z.strictObject({
  /** Where `GET /metrics` is served. Port 0 picks a free port (tests). */
  endpoint: endpoint().default('0.0.0.0:9464'),
  /** Prefix for every metric name, joined with `_`. */
  namespace: z
    .string()
    .refine((v) => v === '' || PROMETHEUS_NAME.test(v), {
      message: 'must be letters, digits and _, not starting with a digit (e.g. "kongtel"), or "" for none',
    })
    .default(''),
  /** Labels added to every series (not to target_info); a data point attribute of the same name wins. */
  const_labels: constLabels.default({}),
  /** false = no unit, `_total` or `_ratio` suffixes, as the Collector's key of the same name. */
  add_metric_suffixes: z.boolean().default(true),
  resource_to_telemetry_conversion: z
    .strictObject({
      /** true = every resource attribute also becomes a label on every series. */
      enabled: z.boolean().default(false),
    })
    .default({ enabled: false }),
  /** A series not updated for this long is dropped. 0 = never. */
  metric_expiration: duration().default(300_000),
  /**
   * Most streams held, each resource counting one more (its target_info); points of new streams past
   * it are dropped and counted. Named after the Collector's deltatocumulative `max_streams`, which
   * bounds the same state (deltas added up per stream) the same way (new streams dropped; its README
   * at open-telemetry/opentelemetry-collector-contrib@eacabceb71c238c211680bfabaeae46fe1525895). The
   * Collector's prometheus exporter has no such bound; Prometheus' `sample_limit` is the scraper's.
   */
  max_streams: z
    .number({ error: 'must be a whole number of streams, e.g. 100000' })
    // refine rather than .int(): zod reports .int() as a type error, which reads as "required".
    .refine(Number.isInteger, { error: 'must be a whole number of streams, e.g. 100000' })
    .refine((n) => n >= 1, { error: 'must be at least 1; it caps the memory the exporter holds and the size of /metrics' })
    .default(100_000),
  /** `otel`: the OTel → Prometheus compatibility names; `kong`: Kong's Prometheus-plugin names where one exists. */
  naming: z.enum(['otel', 'kong']).default('otel'),
  without_target_info: z.boolean().default(false),
  without_scope_info: z.boolean().default(false),
  /** Scrapers must authenticate (bearer and/or basic, as Prometheus' `authorization`/`basic_auth`). */
  auth: authSchema.optional(),
  /** Serve https (Prometheus' `scheme: https`). */
  tls: tlsServerSchema.optional(),
  // Idle above the usual 60 s scrape interval, so a scraper keeps its connection between scrapes.
  ...httpServerKeys({ read_timeout: 30_000, read_header_timeout: 10_000, idle_timeout: 65_000 }),
});

export type PrometheusExporterConfig = z.output<typeof prometheusConfigSchema>;
