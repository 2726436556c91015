import type { Attributes } from '@opentelemetry/api';
import { isObject, type JsonObject } from '../../../core/index.js';
import type { AttributeSet, HistogramSlot, SumSlot } from '../attribute_set.js';
import type { SetNode } from '../attribute_trie.js';
import { list, object, reduced, scalar } from '../entry_shape.js';
import { Bounds, histogram, sum } from '../instrument.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { known, nonNegative, put, rpcError, text } from '../values.js';
import { type CommonFields, routeAttributes } from './common.js';

/** `ai.mcp`: one set of instruments per `rpc[]` item, one ACL count per `audit[]` item, below the route set. */

const ATTRIBUTES = {
  mcpMethodName: 'mcp.method.name',
  toolName: 'gen_ai.tool.name',
  errorType: 'error.type',
  mcpPrimitive: 'kong.gen_ai.mcp.primitive',
  mcpPrimitiveName: 'kong.gen_ai.mcp.primitive_name',
} as const;

const INSTRUMENTS = {
  mcpOperationDuration: histogram('mcp.server.operation.duration', 's', 'Duration of each MCP JSON-RPC call.', Bounds.latency),
  mcpResponseSize: histogram('kong.gen_ai.mcp.response.size', 'By', 'Response body size of each MCP JSON-RPC call.', Bounds.size),
  mcpErrorCount: sum('kong.gen_ai.mcp.request.error.count', '{error}', 'MCP JSON-RPC calls that returned an error.'),
  mcpAclAllowed: sum('kong.gen_ai.mcp.acl.allowed', '{request}', 'MCP primitive accesses allowed by the ACL.'),
  mcpAclDenied: sum('kong.gen_ai.mcp.acl.denied', '{request}', 'MCP primitive accesses denied by the ACL.'),
} as const;

/** The `error` of an RPC as the attribute it becomes: never a JSON-RPC error's message. */
export const rpcErrorLeaf = reduced('rpc-error', (v) => rpcError(v) ?? null);

export const MCP: SectionDeclaration = {
  attributes: ATTRIBUTES,
  instruments: INSTRUMENTS,
  fields: object({
    ai: object({
      mcp: object({
        rpc: list({ latency: scalar, response_body_size: scalar, error: rpcErrorLeaf, method: scalar, tool_name: scalar }),
        audit: list({ action: scalar, primitive: scalar, primitive_name: scalar }),
      }),
    }),
  }),
};

/** `ai.mcp.audit[].primitive` (3.13 EE). */
export const MCP_PRIMITIVES: ReadonlySet<string> = new Set(['tool', 'resource', 'prompt']);

class McpFields {
  method: string | undefined = undefined;
  tool: string | undefined = undefined;
  error: string | undefined = undefined;
  primitive: string | undefined = undefined;
  primitiveName: string | undefined = undefined;
  constructor(readonly common: CommonFields) {}
}

/** service, route, workspace, method, tool, `error.type`: every MCP RPC instrument. */
function rpcAttributes(f: McpFields): Attributes {
  const a = routeAttributes(f.common);
  put(a, ATTRIBUTES.mcpMethodName, f.method);
  put(a, ATTRIBUTES.toolName, f.tool);
  put(a, ATTRIBUTES.errorType, f.error);
  return a;
}

function auditAttributes(f: McpFields): Attributes {
  const a = routeAttributes(f.common);
  put(a, ATTRIBUTES.mcpPrimitive, f.primitive);
  put(a, ATTRIBUTES.mcpPrimitiveName, f.primitiveName);
  return a;
}

export class Mcp {
  private readonly f: McpFields;
  private readonly keep: Readonly<Record<keyof typeof ATTRIBUTES, boolean>>;
  private readonly rpcSet: AttributeSet;
  private readonly auditSet: AttributeSet;
  private readonly duration: HistogramSlot<McpFields>;
  private readonly responseSize: HistogramSlot<McpFields>;
  private readonly errors: SumSlot<McpFields>;
  private readonly allowed: SumSlot<McpFields>;
  private readonly denied: SumSlot<McpFields>;

  constructor(
    private readonly rec: Recorder,
    common: CommonFields,
    o: SectionOptions,
  ) {
    this.f = new McpFields(common);
    this.keep = kept(ATTRIBUTES, o.excluded);
    const I = INSTRUMENTS;
    this.rpcSet = rec.set();
    this.auditSet = rec.set();
    this.duration = this.rpcSet.histogram(rec.histogram(I.mcpOperationDuration), this.f, rpcAttributes);
    this.responseSize = this.rpcSet.histogram(rec.histogram(I.mcpResponseSize), this.f, rpcAttributes);
    this.errors = this.rpcSet.sum(rec.sum(I.mcpErrorCount), this.f, rpcAttributes);
    this.allowed = this.auditSet.sum(rec.sum(I.mcpAclAllowed), this.f, auditAttributes);
    this.denied = this.auditSet.sum(rec.sum(I.mcpAclDenied), this.f, auditAttributes);
  }

  /** `ai.mcp` of an entry whose route set is `r`. */
  record(mcp: JsonObject, r: SetNode): void {
    const rpcs = mcp.rpc;
    if (Array.isArray(rpcs)) for (const rpc of rpcs as unknown[]) if (isObject(rpc)) this.rpc(rpc, r);
    const audits = mcp.audit;
    if (Array.isArray(audits)) for (const audit of audits as unknown[]) if (isObject(audit)) this.audit(audit, r);
  }

  private rpc(rpc: JsonObject, r: SetNode): void {
    const f = this.f;
    const keep = this.keep;
    const rec = this.rec;
    const latencyMs = nonNegative(rpc.latency);
    const responseBytes = nonNegative(rpc.response_body_size);
    const error = rpcError(rpc.error);
    f.method = keep.mcpMethodName ? text(rpc.method) : undefined;
    f.tool = keep.toolName ? text(rpc.tool_name) : undefined;
    f.error = keep.errorType ? error : undefined;
    const n = rec.below(r, this.rpcSet).find3(f.method, f.tool, f.error);
    if (latencyMs !== undefined) rec.record(this.duration, n, latencyMs / 1000);
    if (responseBytes !== undefined) rec.record(this.responseSize, n, responseBytes);
    if (error !== undefined) rec.add(this.errors, n, 1);
  }

  private audit(audit: JsonObject, r: SetNode): void {
    const action = audit.action;
    if (action !== 'allow' && action !== 'deny') return;
    const f = this.f;
    f.primitive = this.keep.mcpPrimitive ? known(audit.primitive, MCP_PRIMITIVES) : undefined;
    f.primitiveName = this.keep.mcpPrimitiveName ? text(audit.primitive_name) : undefined;
    const n = this.rec.below(r, this.auditSet).find2(f.primitive, f.primitiveName);
    this.rec.add(action === 'allow' ? this.allowed : this.denied, n, 1);
  }
}
