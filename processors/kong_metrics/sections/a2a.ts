import type { Attributes } from '@opentelemetry/api';
import { isObject, type JsonObject } from '../../../core/index.js';
import type { AttributeSet, HistogramSlot, SumSlot } from '../attribute_set.js';
import type { SetNode } from '../attribute_trie.js';
import { list, object, scalar } from '../entry_shape.js';
import { Bounds, histogram, sum } from '../instrument.js';
import type { Recorder } from '../recorder.js';
import { kept, type SectionDeclaration, type SectionOptions } from '../section.js';
import { known, nonNegative, positive, put, rpcError } from '../values.js';
import { type CommonFields, routeAttributes } from './common.js';
import { rpcErrorLeaf } from './mcp.js';

/**
 * `ai.a2a.rpc[]` (Kong 3.14), below the route set: no public sample exists; fields as documented in
 * kong-log-format.md §4.3.
 */

const ATTRIBUTES = {
  a2aMethod: 'kong.gen_ai.a2a.method',
  a2aBinding: 'kong.gen_ai.a2a.binding',
  a2aErrorType: 'kong.gen_ai.a2a.error.type',
  a2aTaskState: 'kong.gen_ai.a2a.task.state',
} as const;

const INSTRUMENTS = {
  a2aRequestCount: sum('kong.gen_ai.a2a.request.count', '{request}', 'A2A calls.'),
  a2aRequestDuration: histogram('kong.gen_ai.a2a.request.duration', 's', 'Duration of each A2A call.', Bounds.latency),
  a2aResponseSize: histogram('kong.gen_ai.a2a.response.size', 'By', 'Response body size of each A2A call.', Bounds.size),
  a2aTtfb: histogram('kong.gen_ai.a2a.ttfb', 's', 'Time to first byte of streamed A2A calls.', Bounds.latency),
  a2aErrorCount: sum('kong.gen_ai.a2a.request.error.count', '{error}', 'A2A calls that returned an error.'),
  a2aTaskStateCount: sum('kong.gen_ai.a2a.task.state.count', '{task}', 'A2A calls by the task state they reported.'),
} as const;

export const A2A: SectionDeclaration = {
  attributes: ATTRIBUTES,
  instruments: INSTRUMENTS,
  fields: object({
    ai: object({
      a2a: object({
        rpc: list({ latency: scalar, response_body_size: scalar, ttfb_latency: scalar, error: rpcErrorLeaf, task_state: scalar, method: scalar, binding: scalar }),
      }),
    }),
  }),
};

/** `ai.a2a.rpc[].method`: Kong logs a canonical name, or `unknown` for any other (3.14 EE field reference). */
export const A2A_METHODS: ReadonlySet<string> = new Set([
  'message/send',
  'message/stream',
  'tasks/get',
  'tasks/list',
  'tasks/cancel',
  'tasks/resubscribe',
  'tasks/pushNotificationConfig/set',
  'tasks/pushNotificationConfig/get',
  'tasks/pushNotificationConfig/list',
  'tasks/pushNotificationConfig/delete',
  'agent/getCard',
  'agent/getExtendedAgentCard',
  'agent/getAuthenticatedExtendedCard',
  'unknown',
]);

/** `ai.a2a.rpc[].binding`: Kong's `jsonrpc` and `rest`, and the A2A specification's third transport, gRPC. */
export const A2A_BINDINGS: ReadonlySet<string> = new Set(['jsonrpc', 'rest', 'grpc']);

/** `ai.a2a.rpc[].task_state`: the A2A specification's TaskState values. */
export const A2A_TASK_STATES: ReadonlySet<string> = new Set(['submitted', 'working', 'input-required', 'completed', 'canceled', 'failed', 'rejected', 'auth-required', 'unknown']);

class A2aFields {
  method: string | undefined = undefined;
  binding: string | undefined = undefined;
  error: string | undefined = undefined;
  taskState: string | undefined = undefined;
  constructor(readonly common: CommonFields) {}
}

function rpcAttributes(f: A2aFields): Attributes {
  const a = routeAttributes(f.common);
  put(a, ATTRIBUTES.a2aMethod, f.method);
  put(a, ATTRIBUTES.a2aBinding, f.binding);
  return a;
}

function errorAttributes(f: A2aFields): Attributes {
  const a = rpcAttributes(f);
  put(a, ATTRIBUTES.a2aErrorType, f.error);
  return a;
}

function taskStateAttributes(f: A2aFields): Attributes {
  const a = rpcAttributes(f);
  put(a, ATTRIBUTES.a2aTaskState, f.taskState);
  return a;
}

export class A2a {
  private readonly f: A2aFields;
  private readonly keep: Readonly<Record<keyof typeof ATTRIBUTES, boolean>>;
  private readonly rpcSet: AttributeSet;
  private readonly errorSet: AttributeSet;
  private readonly stateSet: AttributeSet;
  private readonly count: SumSlot<A2aFields>;
  private readonly duration: HistogramSlot<A2aFields>;
  private readonly responseSize: HistogramSlot<A2aFields>;
  private readonly ttfb: HistogramSlot<A2aFields>;
  private readonly errors: SumSlot<A2aFields>;
  private readonly states: SumSlot<A2aFields>;

  constructor(
    private readonly rec: Recorder,
    common: CommonFields,
    o: SectionOptions,
  ) {
    this.f = new A2aFields(common);
    this.keep = kept(ATTRIBUTES, o.excluded);
    const I = INSTRUMENTS;
    const rpc = (this.rpcSet = rec.set());
    this.errorSet = rec.set();
    this.stateSet = rec.set();
    this.count = rpc.sum(rec.sum(I.a2aRequestCount), this.f, rpcAttributes);
    this.duration = rpc.histogram(rec.histogram(I.a2aRequestDuration), this.f, rpcAttributes);
    this.responseSize = rpc.histogram(rec.histogram(I.a2aResponseSize), this.f, rpcAttributes);
    this.ttfb = rpc.histogram(rec.histogram(I.a2aTtfb), this.f, rpcAttributes);
    this.errors = this.errorSet.sum(rec.sum(I.a2aErrorCount), this.f, errorAttributes);
    this.states = this.stateSet.sum(rec.sum(I.a2aTaskStateCount), this.f, taskStateAttributes);
  }

  /** `ai.a2a` of an entry whose route set is `r`. */
  record(a2a: JsonObject, r: SetNode): void {
    const rpcs = a2a.rpc;
    if (Array.isArray(rpcs)) for (const rpc of rpcs as unknown[]) if (isObject(rpc)) this.rpc(rpc, r);
  }

  private rpc(rpc: JsonObject, r: SetNode): void {
    const f = this.f;
    const keep = this.keep;
    const rec = this.rec;
    const latencyMs = nonNegative(rpc.latency);
    const responseBytes = nonNegative(rpc.response_body_size);
    const ttfbMs = positive(rpc.ttfb_latency);
    const error = rpcError(rpc.error);
    const taskState = known(rpc.task_state, A2A_TASK_STATES);
    f.method = keep.a2aMethod ? known(rpc.method, A2A_METHODS) : undefined;
    f.binding = keep.a2aBinding ? known(rpc.binding, A2A_BINDINGS) : undefined;
    const n = rec.below(r, this.rpcSet).find2(f.method, f.binding);
    rec.add(this.count, n, 1);
    if (latencyMs !== undefined) rec.record(this.duration, n, latencyMs / 1000);
    if (responseBytes !== undefined) rec.record(this.responseSize, n, responseBytes);
    if (ttfbMs !== undefined) rec.record(this.ttfb, n, ttfbMs / 1000);
    if (error !== undefined) {
      f.error = keep.a2aErrorType ? error : undefined;
      rec.add(this.errors, rec.below(n, this.errorSet).find1(f.error), 1);
    }
    if (taskState !== undefined) {
      f.taskState = keep.a2aTaskState ? taskState : undefined;
      rec.add(this.states, rec.below(n, this.stateSet).find1(f.taskState), 1);
    }
  }
}
