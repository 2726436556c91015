import type { Attributes } from '@opentelemetry/api';
import type { Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import { metricBatch, type MetricBatch } from '../../../core/index.js';
import { histogram, resourceMetrics, sum, type Temporality } from './builders.js';

/**
 * What `kong_metrics` emits for a handful of Kong requests: every instrument of metric-mapping.md that a
 * log entry feeds, with its attributes and the documented bucket bounds (seconds and bytes). Used by the
 * golden, Kong-naming and promtool tests.
 */

export const HTTP_LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];
export const GENAI_DURATION_BOUNDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
export const TPOT_BOUNDS = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5];
export const SIZE_BOUNDS = [100, 1000, 10000, 100000, 1000000, 10000000, 100000000];

/** A histogram of the given observations (bucket i holds values ≤ bounds[i], above bounds[i-1]). */
export function observed(bounds: number[], values: number[]): Histogram {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  let total = 0;
  for (const v of values) {
    let i = 0;
    while (i < bounds.length && v > bounds[i]) i++;
    counts[i]++;
    total += v;
  }
  return { buckets: { boundaries: bounds, counts }, sum: total, count: values.length };
}

const ROUTE = { 'kong.service.name': 'orders', 'kong.route.name': 'orders-route', 'kong.workspace.name': 'default' };
const ALICE = { ...ROUTE, 'kong.auth.consumer.name': 'alice' };
const GEN_AI = {
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'gen_ai.response.model': 'gpt-4o-2024-08-06',
  'gen_ai.operation.name': 'chat',
  'kong.gen_ai.request.mode': 'oneshot',
  'kong.workspace.name': 'default',
  'kong.auth.consumer.name': 'alice',
};
const CACHE_HIT = {
  'kong.gen_ai.cache.status': 'hit',
  'kong.gen_ai.vector_db': 'redis',
  'kong.gen_ai.embeddings.provider': 'openai',
  'kong.gen_ai.embeddings.model': 'text-embedding-3-large',
};
const MCP = { ...ROUTE, 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'weather' };

function request(attrs: Attributes, method: string, status: number, source: string): Attributes {
  return { ...attrs, 'http.request.method': method, 'kong.response.status_code': status, 'kong.response.source': source };
}

export function kongMetricsOutput(temporality: Temporality = 'cumulative'): MetricData[] {
  const t = { temporality };
  return [
    sum(
      'http.server.request.count',
      '{request}',
      [
        { attrs: request(ALICE, 'GET', 200, 'upstream'), value: 3 },
        { attrs: request(ALICE, 'POST', 200, 'upstream'), value: 2 },
        { attrs: request(ROUTE, 'GET', 401, 'kong'), value: 1 },
      ],
      { ...t, description: 'Number of HTTP requests' },
    ),
    histogram('kong.latency.total', 's', [{ attrs: ROUTE, value: observed(HTTP_LATENCY_BOUNDS, [0.012, 0.03, 0.25, 1.2, 0.004, 0.07]) }], {
      ...t,
      description: 'Total latency of a request, as Kong measured it',
    }),
    histogram('kong.latency.internal', 's', [{ attrs: ROUTE, value: observed(HTTP_LATENCY_BOUNDS, [0.001, 0.002, 0.004, 0.001, 0.003, 0.002]) }], {
      ...t,
      description: 'Time Kong itself spent on a request',
    }),
    histogram('kong.latency.upstream', 's', [{ attrs: ROUTE, value: observed(HTTP_LATENCY_BOUNDS, [0.01, 0.027, 0.245, 1.19, 0.066]) }], {
      ...t,
      description: 'Time to the first upstream response byte',
    }),
    histogram(
      'http.server.request.size',
      'By',
      [
        { attrs: ALICE, value: observed(SIZE_BOUNDS, [320, 1480, 512, 610, 700]) },
        { attrs: ROUTE, value: observed(SIZE_BOUNDS, [290]) },
      ],
      { ...t, description: 'Size of HTTP requests' },
    ),
    histogram(
      'http.server.response.size',
      'By',
      [
        { attrs: ALICE, value: observed(SIZE_BOUNDS, [1200, 5400, 880, 640, 15000]) },
        { attrs: ROUTE, value: observed(SIZE_BOUNDS, [96]) },
      ],
      { ...t, description: 'Size of HTTP responses' },
    ),
    sum(
      'gen_ai.client.token.usage',
      '{token}',
      [
        { attrs: { ...GEN_AI, 'gen_ai.token.type': 'input' }, value: 25 },
        { attrs: { ...GEN_AI, 'gen_ai.token.type': 'output' }, value: 12 },
        { attrs: { ...GEN_AI, 'gen_ai.token.type': 'total' }, value: 37 },
      ],
      { ...t, description: 'Number of tokens used' },
    ),
    sum('kong.gen_ai.llm.cost', '{cost}', [{ attrs: GEN_AI, value: 0.00037 }], { ...t, description: 'Cost of LLM calls' }),
    histogram('gen_ai.client.operation.duration', 's', [{ attrs: GEN_AI, value: observed(GENAI_DURATION_BOUNDS, [1.21]) }], {
      ...t,
      description: 'GenAI operation duration',
    }),
    histogram(
      'gen_ai.server.request.duration',
      's',
      [
        { attrs: GEN_AI, value: observed(GENAI_DURATION_BOUNDS, [1.15]) },
        { attrs: { ...GEN_AI, ...CACHE_HIT }, value: observed(GENAI_DURATION_BOUNDS, [0.029]) },
      ],
      { ...t, description: 'Time the LLM took to answer' },
    ),
    histogram('gen_ai.server.time_to_first_token', 's', [{ attrs: GEN_AI, value: observed(GENAI_DURATION_BOUNDS, [0.35]) }], {
      ...t,
      description: 'Time to the first token',
    }),
    histogram('gen_ai.server.time_per_output_token', 's', [{ attrs: GEN_AI, value: observed(TPOT_BOUNDS, [0.0958]) }], {
      ...t,
      description: 'Average time per output token (Kong: LLM latency / completion tokens)',
    }),
    histogram(
      'kong.gen_ai.cache.fetch.latency',
      's',
      [{ attrs: { ...GEN_AI, ...CACHE_HIT }, value: observed(GENAI_DURATION_BOUNDS, [0.002]) }],
      { ...t, description: 'Semantic cache fetch latency' },
    ),
    histogram(
      'kong.gen_ai.cache.embeddings.latency',
      's',
      [{ attrs: { ...GEN_AI, ...CACHE_HIT }, value: observed(GENAI_DURATION_BOUNDS, [0.025]) }],
      { ...t, description: 'Semantic cache embeddings latency' },
    ),
    histogram('mcp.server.operation.duration', 's', [{ attrs: MCP, value: observed(HTTP_LATENCY_BOUNDS, [0.042]) }], {
      ...t,
      description: 'MCP request duration',
    }),
    histogram('kong.gen_ai.mcp.response.size', 'By', [{ attrs: MCP, value: observed(SIZE_BOUNDS, [2048]) }], {
      ...t,
      description: 'MCP response body size',
    }),
    sum('kong.gen_ai.mcp.request.error.count', '{error}', [{ attrs: { ...MCP, 'error.type': 'Invalid Request' }, value: 1 }], {
      ...t,
      description: 'MCP requests that failed',
    }),
    sum('kong.gen_ai.mcp.acl.allowed', '{request}', [{ attrs: { ...ROUTE, 'kong.gen_ai.mcp.primitive': 'tool', 'kong.gen_ai.mcp.primitive_name': 'weather' }, value: 1 }], {
      ...t,
      description: 'MCP requests the ACL allowed',
    }),
  ];
}

export const KONG_SCOPE = { name: 'kongtel.kong_metrics', version: '0.1.0' };

export function kongMetricsBatch(temporality: Temporality = 'cumulative'): MetricBatch {
  return metricBatch([resourceMetrics(kongMetricsOutput(temporality), { scope: KONG_SCOPE })]);
}
