import { z } from 'zod';
import { closest, duration, storageId } from '../../core/index.js';
import { KONG_TWIN_INSTRUMENTS } from '../../core/kong/prometheus_names.js';
import { TOKEN_USAGE_NAME } from './sections/genai.js';
import { DEFAULT_HTTP_METHODS } from './sections/http.js';
import { ATTRIBUTE_NAMES, HISTOGRAM_NAMES, REQUIRED_ATTRIBUTES } from './sections/index.js';

export interface ModelPrice {
  /** Price of one million input (prompt) tokens, in the operator's currency. */
  input_per_million: number;
  /** Price of one million output (completion) tokens. */
  output_per_million: number;
}

export interface KongMetricsConfig {
  /** Emission period, milliseconds. */
  interval: number;
  temporality: 'cumulative' | 'delta';
  /**
   * `otel`: the OpenTelemetry instruments of metric-mapping.md. `kong`: Kong's Prometheus-plugin families
   * (names, labels, bucket bounds) where Kong has one, for Kong's own dashboards (README "naming: kong").
   */
  naming: 'otel' | 'kong';
  /** Attribute names removed from every instrument (e.g. high-cardinality consumer or route). */
  exclude_attributes: string[];
  /** `http.request.method` values kept; any other method becomes `_OTHER` (semantic conventions' known methods). */
  http_known_methods: string[];
  /** Keyed `provider/model`; used when a log entry's `usage.cost` is absent or 0. */
  pricing: Record<string, ModelPrice>;
  token_usage_as: 'sum' | 'histogram';
  /** Histogram instrument name → explicit bucket bounds, replacing the defaults. */
  buckets: Record<string, number[]>;
  max_series_per_metric: number;
  /** Series of all metrics together before new attribute sets go to the overflow series. */
  max_series: number;
  /** Scraped series with no Kong Prometheus-plugin twin are dropped instead of passed through. */
  drop_unmapped: boolean;
  /**
   * Durable mode: the storage extension (`file_storage`) whose directory holds the write-ahead log. Accepted entries survive any crash, and each is
   * counted exactly once at the backend (docs/durability.md). Unset: state lives in memory only.
   */
  storage?: string;
}

/**
 * The closest known name, for "did you mean" hints on misspelt attribute or instrument names: a name
 * holding every dot-separated part of the given one (a missing namespace), else core's nearest by edits.
 */
function closestName(name: string, known: readonly string[]): string | undefined {
  const parts = name.split('.');
  return known.find((k) => parts.every((p) => k.split('.').includes(p))) ?? closest(name, known);
}

function unknownNameMessage(what: string, name: string, known: readonly string[]): string {
  const hint = closestName(name, known);
  return hint !== undefined
    ? `unknown ${what} ${JSON.stringify(name)}; did you mean ${JSON.stringify(hint)}?`
    : `unknown ${what} ${JSON.stringify(name)}; kong_metrics knows: ${known.join(', ')}`;
}

const attributeName = z.string().superRefine((name, ctx) => {
  if (REQUIRED_ATTRIBUTES.includes(name)) {
    ctx.addIssue({
      code: 'custom',
      message: `${name} cannot be excluded: it tells apart values that must not be added together (remove it from the list)`,
    });
  } else if (!ATTRIBUTE_NAMES.includes(name)) {
    ctx.addIssue({ code: 'custom', message: unknownNameMessage('attribute', name, ATTRIBUTE_NAMES) });
  }
});

/** An HTTP method is a token (RFC 9110 §9.1, §5.6.2). */
const METHOD_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const price = z.number({ error: 'must be a number (price per one million tokens)' }).nonnegative({ error: 'must be ≥ 0' });

const modelPrice = z.strictObject({
  input_per_million: price,
  output_per_million: price,
});

const PRICING_KEY = /^[^/\s]+\/\S.*$/;

const bounds = z
  .array(z.number({ error: 'bucket bounds must be numbers' }).finite({ error: 'bucket bounds must be finite' }), {
    error: 'must be a list of bucket bounds, e.g. [0.1, 0.5, 1]',
  })
  .min(1, { error: 'must list at least one bucket bound' })
  .superRefine((list, ctx) => {
    for (let i = 1; i < list.length; i++) {
      if (!(list[i] > list[i - 1])) {
        ctx.addIssue({
          code: 'custom',
          path: [i],
          message: `bucket bounds must be strictly ascending: ${list[i]} follows ${list[i - 1]}`,
        });
        return;
      }
    }
  });

export const configSchema: z.ZodType<KongMetricsConfig> = z
  .strictObject({
    interval: duration()
      .refine((ms) => ms > 0, { error: 'must be longer than 0 (e.g. "10s"): it is how often metrics are emitted' })
      .default(10_000),
    temporality: z
      .enum(['cumulative', 'delta'], { error: 'must be "cumulative" (Prometheus, Grafana Cloud) or "delta" (Dynatrace)' })
      .default('cumulative'),
    naming: z
      .enum(['otel', 'kong'], {
        error: 'must be "otel" (OpenTelemetry instruments) or "kong" (the families of Kong\'s Prometheus plugin, for Kong\'s dashboards)',
      })
      .default('otel'),
    exclude_attributes: z
      .array(attributeName, { error: 'must be a list of attribute names, e.g. [kong.auth.consumer.name]' })
      .default([]),
    http_known_methods: z
      .array(
        z.string().regex(METHOD_TOKEN, { error: 'must be an HTTP method name as Kong logs it, e.g. "PROPFIND" (case-sensitive)' }),
        { error: 'must be a list of HTTP method names, e.g. [GET, POST, PROPFIND]' },
      )
      .default([...DEFAULT_HTTP_METHODS]),
    pricing: z
      .record(z.string(), modelPrice, {
        error: (issue) =>
          issue.code === 'invalid_type' ? 'must map "provider/model" to { input_per_million, output_per_million }' : undefined,
      })
      .default({}),
    token_usage_as: z
      .enum(['sum', 'histogram'], {
        error: 'must be "sum" (a counter, as Kong does) or "histogram" (the GenAI semantic conventions)',
      })
      .default('sum'),
    buckets: z
      .record(z.string(), bounds, {
        error: (issue) => (issue.code === 'invalid_type' ? 'must map a histogram name to its bucket bounds' : undefined),
      })
      .default({}),
    // 2000: the OTel SDK's default cardinality limit per metric (metrics SDK spec, "Cardinality limits").
    // 10 000 in all: a hostile flood of names once made a 293 MB /metrics page at 10 000 per metric
    // (issue 9); README "Sizing" has the measured cost per series.
    max_series_per_metric: z
      .number({ error: 'must be a whole number of series' })
      .int({ error: 'must be a whole number of series' })
      .positive({ error: 'must be at least 1' })
      .default(2_000),
    max_series: z
      .number({ error: 'must be a whole number of series' })
      .int({ error: 'must be a whole number of series' })
      .positive({ error: 'must be at least 1' })
      .default(10_000),
    drop_unmapped: z.boolean({ error: 'must be true or false' }).default(false),
    storage: storageId(['processors', 'kong_metrics', 'storage']).optional(),
  })
  .superRefine((c, ctx) => {
    for (const key of Object.keys(c.pricing)) {
      if (!PRICING_KEY.test(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['pricing', key],
          message: 'pricing keys are "provider/model" as Kong logs them, e.g. "openai/gpt-4o" (meta.provider_name / model)',
        });
      }
    }
    for (const name of Object.keys(c.buckets)) {
      if (!HISTOGRAM_NAMES.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['buckets', name],
          message: unknownNameMessage('histogram', name, HISTOGRAM_NAMES),
        });
      } else if (c.naming === 'kong' && KONG_TWIN_INSTRUMENTS.has(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['buckets', name],
          message: `not recorded under naming: kong (its Kong family is, with Kong's bounds); remove this entry, or override the Kong family's bounds by its name`,
        });
      } else if (name === TOKEN_USAGE_NAME && c.token_usage_as !== 'histogram') {
        ctx.addIssue({
          code: 'custom',
          path: ['buckets', name],
          message:
            'only used with token_usage_as: histogram (token usage is a sum by default); set that or remove this entry',
        });
      }
    }
  });
