import type { AttributeTrie } from './attribute-trie.js';
import type { HistogramSeries, SumSeries } from './series.js';

/**
 * The node of one attribute set: a slot per instrument recorded with that set (filled when the first
 * point arrives), and tries for the sets that extend it. `overflow` marks the node that takes every set
 * past the tracking cap; its series are the metrics' overflow series.
 */

/** service, route, workspace: Kong latencies; parent of the consumer, MCP and A2A sets. */
export class RouteNode {
  latencyTotal: HistogramSeries | undefined = undefined;
  latencyInternal: HistogramSeries | undefined = undefined;
  latencyUpstream: HistogramSeries | undefined = undefined;
  consumers: AttributeTrie<ConsumerNode> | undefined = undefined;
  mcpRpcs: AttributeTrie<McpRpcNode> | undefined = undefined;
  mcpAudits: AttributeTrie<McpAuditNode> | undefined = undefined;
  a2aRpcs: AttributeTrie<A2aNode> | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** + consumer: request and response sizes; parent of the request-count set. */
export class ConsumerNode {
  requestSize: HistogramSeries | undefined = undefined;
  responseSize: HistogramSeries | undefined = undefined;
  requests: AttributeTrie<RequestNode> | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** + source, method, status code. */
export class RequestNode {
  count: SumSeries | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** + MCP method, tool, error.type. */
export class McpRpcNode {
  duration: HistogramSeries | undefined = undefined;
  responseSize: HistogramSeries | undefined = undefined;
  errors: SumSeries | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** + MCP primitive, primitive name. */
export class McpAuditNode {
  allowed: SumSeries | undefined = undefined;
  denied: SumSeries | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** + A2A method, binding; parent of the error and task-state sets. */
export class A2aNode {
  count: SumSeries | undefined = undefined;
  duration: HistogramSeries | undefined = undefined;
  responseSize: HistogramSeries | undefined = undefined;
  ttfb: HistogramSeries | undefined = undefined;
  errors: AttributeTrie<SumNode> | undefined = undefined;
  taskStates: AttributeTrie<SumNode> | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** A set that feeds one sum (A2A error type, A2A task state). */
export class SumNode {
  sum: SumSeries | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** provider, request model, response model, operation, mode, workspace, consumer. */
export class GenAiNode {
  tokenInput: SumSeries | undefined = undefined;
  tokenOutput: SumSeries | undefined = undefined;
  tokenTotal: SumSeries | undefined = undefined;
  /** `token_usage_as: histogram`: input and output only, as the semantic conventions define it. */
  tokenInputHistogram: HistogramSeries | undefined = undefined;
  tokenOutputHistogram: HistogramSeries | undefined = undefined;
  timeToFirstToken: HistogramSeries | undefined = undefined;
  timePerOutputToken: HistogramSeries | undefined = undefined;
  errors: AttributeTrie<GenAiErrorNode> | undefined = undefined;
  caches: AttributeTrie<CacheNode> | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** + error.type: the two GenAI durations. */
export class GenAiErrorNode {
  operationDuration: HistogramSeries | undefined = undefined;
  serverRequestDuration: HistogramSeries | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** + cache status, vector db, embeddings provider and model: cost, cache and RAG latencies. */
export class CacheNode {
  cost: SumSeries | undefined = undefined;
  fetchLatency: HistogramSeries | undefined = undefined;
  embeddingsLatency: HistogramSeries | undefined = undefined;
  ragFetchLatency: HistogramSeries | undefined = undefined;
  ragEmbeddingsLatency: HistogramSeries | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}

/** guardrails id, version, region, workspace, consumer; the mode (input/output) is the slot. */
export class GuardrailsNode {
  input: HistogramSeries | undefined = undefined;
  output: HistogramSeries | undefined = undefined;
  constructor(readonly overflow: boolean) {}
}
