/**
 * Every attribute kong_metrics sets, by the names of metric-mapping.md. `exclude_attributes` is checked
 * against this list so a typo is a config error rather than a silent no-op.
 */
export const Attr = {
  serviceName: 'kong.service.name',
  routeName: 'kong.route.name',
  workspaceName: 'kong.workspace.name',
  consumerName: 'kong.auth.consumer.name',
  requestMethod: 'http.request.method',
  statusCode: 'kong.response.status_code',
  responseSource: 'kong.response.source',

  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  operationName: 'gen_ai.operation.name',
  requestMode: 'kong.gen_ai.request.mode',
  tokenType: 'gen_ai.token.type',
  errorType: 'error.type',

  cacheStatus: 'kong.gen_ai.cache.status',
  vectorDb: 'kong.gen_ai.vector_db',
  embeddingsProvider: 'kong.gen_ai.embeddings.provider',
  embeddingsModel: 'kong.gen_ai.embeddings.model',

  guardrailsMode: 'kong.gen_ai.aws.guardrails.mode',
  guardrailsId: 'kong.gen_ai.aws.guardrails.id',
  guardrailsVersion: 'kong.gen_ai.aws.guardrails.version',
  guardrailsRegion: 'kong.gen_ai.aws.guardrails.region',

  mcpMethodName: 'mcp.method.name',
  toolName: 'gen_ai.tool.name',
  mcpPrimitive: 'kong.gen_ai.mcp.primitive',
  mcpPrimitiveName: 'kong.gen_ai.mcp.primitive_name',

  a2aMethod: 'kong.gen_ai.a2a.method',
  a2aBinding: 'kong.gen_ai.a2a.binding',
  a2aErrorType: 'kong.gen_ai.a2a.error.type',
  a2aTaskState: 'kong.gen_ai.a2a.task.state',
} as const;

export type AttrKey = keyof typeof Attr;
export type AttrName = (typeof Attr)[AttrKey];

export const ATTRIBUTE_NAMES: readonly AttrName[] = Object.values(Attr);

/**
 * Attributes that tell the series of one instrument apart by meaning (input vs output tokens, input vs
 * output guardrail checks): removing them would add unlike things together, so they cannot be excluded.
 */
export const REQUIRED_ATTRIBUTES: readonly AttrName[] = [Attr.tokenType, Attr.guardrailsMode];

/** The OTel SDK's marker for the series that collects attribute sets past the cardinality limit. */
export const OVERFLOW_ATTRIBUTE = 'otel.metric.overflow';

/** Which attributes survive `exclude_attributes`, one flag per attribute, read on the hot path. */
export type KeptAttributes = Readonly<Record<Exclude<AttrKey, 'tokenType' | 'guardrailsMode'>, boolean>>;

export function keptAttributes(exclude: readonly string[]): KeptAttributes {
  const excluded = new Set(exclude);
  const kept = {} as Record<AttrKey, boolean>;
  for (const key of Object.keys(Attr) as AttrKey[]) kept[key] = !excluded.has(Attr[key]);
  return kept;
}
