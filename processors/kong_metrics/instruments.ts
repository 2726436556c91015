import { ValueType } from '@opentelemetry/api';

/** Explicit bucket bounds of metric-mapping.md "Buckets" (upper-inclusive, like the OTel SDK). */
export const Bounds = {
  /** HTTP and Kong-side latencies, seconds. */
  latency: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60],
  /** GenAI durations, seconds (GenAI semantic conventions). */
  genAiDuration: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
  /** Time per output token, seconds (GenAI semantic conventions). */
  timePerToken: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5],
  /** Sizes, bytes. */
  size: [100, 1000, 10000, 100000, 1000000, 10000000, 100000000],
  /** Token counts when `token_usage_as: histogram` (GenAI semantic conventions). */
  tokens: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864],
} as const satisfies Record<string, readonly number[]>;

export interface SumInstrument {
  readonly kind: 'sum';
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly valueType: ValueType;
}

export interface HistogramInstrument {
  readonly kind: 'histogram';
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly bounds: readonly number[];
}

export type Instrument = SumInstrument | HistogramInstrument;

const sum = (name: string, unit: string, description: string, valueType = ValueType.INT): SumInstrument => ({
  kind: 'sum',
  name,
  unit,
  description,
  valueType,
});

const histogram = (name: string, unit: string, description: string, bounds: readonly number[]): HistogramInstrument => ({
  kind: 'histogram',
  name,
  unit,
  description,
  bounds,
});

/** The instruments of metric-mapping.md, in the order they are emitted. */
export const Instruments = {
  requestCount: sum('http.server.request.count', '{request}', 'HTTP requests handled by Kong.'),
  latencyTotal: histogram(
    'kong.latency.total',
    's',
    'Time from the first client byte read to the last byte sent.',
    Bounds.latency,
  ),
  latencyInternal: histogram(
    'kong.latency.internal',
    's',
    'Time Kong spent on the request itself (plugins, routing).',
    Bounds.latency,
  ),
  latencyUpstream: histogram(
    'kong.latency.upstream',
    's',
    'Upstream time to first response byte; absent when Kong answered itself.',
    Bounds.latency,
  ),
  requestSize: histogram(
    'http.server.request.size',
    'By',
    'Size of the request (request line, headers and body).',
    Bounds.size,
  ),
  responseSize: histogram(
    'http.server.response.size',
    'By',
    'Bytes sent to the client (headers and body).',
    Bounds.size,
  ),

  tokenUsage: sum('gen_ai.client.token.usage', '{token}', 'Tokens used by LLM calls, by token type.'),
  tokenUsageHistogram: histogram(
    'gen_ai.client.token.usage',
    '{token}',
    'Tokens per LLM call, by token type.',
    Bounds.tokens,
  ),
  operationDuration: histogram(
    'gen_ai.client.operation.duration',
    's',
    'Duration of the request that made the GenAI call, as Kong saw it.',
    Bounds.genAiDuration,
  ),
  serverRequestDuration: histogram(
    'gen_ai.server.request.duration',
    's',
    'Time the LLM provider took to answer (Kong llm_latency).',
    Bounds.genAiDuration,
  ),
  timeToFirstToken: histogram(
    'gen_ai.server.time_to_first_token',
    's',
    'Time to the first output token.',
    Bounds.genAiDuration,
  ),
  timePerOutputToken: histogram(
    'gen_ai.server.time_per_output_token',
    's',
    "Kong's llm_latency divided by output tokens (first token included).",
    Bounds.timePerToken,
  ),
  llmCost: sum(
    'kong.gen_ai.llm.cost',
    '{cost}',
    'Cost of LLM calls in the currency of the configured prices.',
    ValueType.DOUBLE,
  ),
  cacheFetchLatency: histogram(
    'kong.gen_ai.cache.fetch.latency',
    's',
    'Semantic cache vector database lookup time.',
    Bounds.latency,
  ),
  cacheEmbeddingsLatency: histogram(
    'kong.gen_ai.cache.embeddings.latency',
    's',
    'Semantic cache embedding generation time.',
    Bounds.latency,
  ),
  ragFetchLatency: histogram(
    'kong.gen_ai.rag.fetch.latency',
    's',
    'RAG injection vector database fetch time.',
    Bounds.latency,
  ),
  ragEmbeddingsLatency: histogram(
    'kong.gen_ai.rag.embeddings.latency',
    's',
    'RAG injection embedding generation time.',
    Bounds.latency,
  ),
  guardrailsLatency: histogram(
    'kong.gen_ai.aws.guardrails.latency',
    's',
    'AWS Guardrails processing time, by input or output.',
    Bounds.latency,
  ),

  mcpOperationDuration: histogram(
    'mcp.server.operation.duration',
    's',
    'Duration of each MCP JSON-RPC call.',
    Bounds.latency,
  ),
  mcpResponseSize: histogram(
    'kong.gen_ai.mcp.response.size',
    'By',
    'Response body size of each MCP JSON-RPC call.',
    Bounds.size,
  ),
  mcpErrorCount: sum(
    'kong.gen_ai.mcp.request.error.count',
    '{error}',
    'MCP JSON-RPC calls that returned an error.',
  ),
  mcpAclAllowed: sum(
    'kong.gen_ai.mcp.acl.allowed',
    '{request}',
    'MCP primitive accesses allowed by the ACL.',
  ),
  mcpAclDenied: sum('kong.gen_ai.mcp.acl.denied', '{request}', 'MCP primitive accesses denied by the ACL.'),

  a2aRequestCount: sum('kong.gen_ai.a2a.request.count', '{request}', 'A2A calls.'),
  a2aRequestDuration: histogram(
    'kong.gen_ai.a2a.request.duration',
    's',
    'Duration of each A2A call.',
    Bounds.latency,
  ),
  a2aResponseSize: histogram(
    'kong.gen_ai.a2a.response.size',
    'By',
    'Response body size of each A2A call.',
    Bounds.size,
  ),
  a2aTtfb: histogram(
    'kong.gen_ai.a2a.ttfb',
    's',
    'Time to first byte of streamed A2A calls.',
    Bounds.latency,
  ),
  a2aErrorCount: sum('kong.gen_ai.a2a.request.error.count', '{error}', 'A2A calls that returned an error.'),
  a2aTaskStateCount: sum(
    'kong.gen_ai.a2a.task.state.count',
    '{task}',
    'A2A calls by the task state they reported.',
  ),
} as const satisfies Record<string, Instrument>;

export type InstrumentKey = keyof typeof Instruments;

/** Names a `buckets` override may use: every histogram instrument. */
export const HISTOGRAM_NAMES: readonly string[] = [
  ...new Set(Object.values(Instruments).filter((i): i is HistogramInstrument => i.kind === 'histogram').map((i) => i.name)),
];
