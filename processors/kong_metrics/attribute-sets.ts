import type { Attributes } from '@opentelemetry/api';
import { Attr } from './attributes.js';
import type { EntryFields } from './fields.js';

/**
 * The attribute sets of metric-mapping.md, built from the fields of the current entry only when a series
 * is created. Each set's key on the hot path (aggregator.ts) lists the same fields in the same order.
 */

function put(a: Attributes, name: string, v: string | number | undefined): void {
  if (v !== undefined) a[name] = v;
}

/** service, route, workspace: Kong latencies; the base of MCP and A2A sets. */
export function routeAttributes(f: EntryFields): Attributes {
  const a: Attributes = {};
  put(a, Attr.serviceName, f.service);
  put(a, Attr.routeName, f.route);
  put(a, Attr.workspaceName, f.workspace);
  return a;
}

/** service, route, workspace, consumer: request and response sizes. */
export function consumerAttributes(f: EntryFields): Attributes {
  const a = routeAttributes(f);
  put(a, Attr.consumerName, f.consumer);
  return a;
}

/** Every common attribute: the request count. */
export function requestAttributes(f: EntryFields): Attributes {
  const a = consumerAttributes(f);
  put(a, Attr.responseSource, f.source);
  put(a, Attr.requestMethod, f.method);
  put(a, Attr.statusCode, f.status);
  return a;
}

/** provider, request/response model, operation, request mode, workspace, consumer. */
export function genAiAttributes(f: EntryFields): Attributes {
  const a: Attributes = {};
  put(a, Attr.providerName, f.provider);
  put(a, Attr.requestModel, f.requestModel);
  put(a, Attr.responseModel, f.responseModel);
  put(a, Attr.operationName, f.operation);
  put(a, Attr.requestMode, f.mode);
  put(a, Attr.workspaceName, f.workspace);
  put(a, Attr.consumerName, f.consumer);
  return a;
}

export function tokenAttributes(f: EntryFields): Attributes {
  const a = genAiAttributes(f);
  put(a, Attr.tokenType, f.tokenType);
  return a;
}

/** GenAI attributes + `error.type` (status code ≥ 400): operation and provider durations. */
export function genAiErrorAttributes(f: EntryFields): Attributes {
  const a = genAiAttributes(f);
  put(a, Attr.errorType, f.httpError);
  return a;
}

/** GenAI attributes + cache attributes: cost, cache and RAG latencies. */
export function cacheAttributes(f: EntryFields): Attributes {
  const a = genAiAttributes(f);
  put(a, Attr.cacheStatus, f.cacheStatus);
  put(a, Attr.vectorDb, f.vectorDb);
  put(a, Attr.embeddingsProvider, f.embeddingsProvider);
  put(a, Attr.embeddingsModel, f.embeddingsModel);
  return a;
}

export function guardrailsAttributes(f: EntryFields): Attributes {
  const a: Attributes = {};
  put(a, Attr.guardrailsId, f.guardrailsId);
  put(a, Attr.guardrailsVersion, f.guardrailsVersion);
  put(a, Attr.guardrailsRegion, f.guardrailsRegion);
  put(a, Attr.guardrailsMode, f.guardrailsMode);
  put(a, Attr.workspaceName, f.workspace);
  put(a, Attr.consumerName, f.consumer);
  return a;
}

/** service, route, workspace, method, tool, `error.type`: every MCP RPC instrument. */
export function mcpRpcAttributes(f: EntryFields): Attributes {
  const a = routeAttributes(f);
  put(a, Attr.mcpMethodName, f.rpcMethod);
  put(a, Attr.toolName, f.toolName);
  put(a, Attr.errorType, f.rpcError);
  return a;
}

export function mcpAuditAttributes(f: EntryFields): Attributes {
  const a = routeAttributes(f);
  put(a, Attr.mcpPrimitive, f.primitive);
  put(a, Attr.mcpPrimitiveName, f.primitiveName);
  return a;
}

export function a2aAttributes(f: EntryFields): Attributes {
  const a = routeAttributes(f);
  put(a, Attr.a2aMethod, f.rpcMethod);
  put(a, Attr.a2aBinding, f.binding);
  return a;
}

export function a2aErrorAttributes(f: EntryFields): Attributes {
  const a = a2aAttributes(f);
  put(a, Attr.a2aErrorType, f.rpcError);
  return a;
}

export function a2aTaskStateAttributes(f: EntryFields): Attributes {
  const a = a2aAttributes(f);
  put(a, Attr.a2aTaskState, f.taskState);
  return a;
}
