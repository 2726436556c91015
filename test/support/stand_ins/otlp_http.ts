import { type Answer, HttpStandIn, type StandInRequest, type StandInTls } from './http_stand_in.js';
import { decodeJsonRequest } from '../otlp/json_decode.js';
import { decodeProtoRequest, encodeProtoResponse, encodeStatus } from '../otlp/proto_decode.js';
import { type ReceivedMetric, ReceivedMetrics } from '../otlp/received.js';

/**
 * A generic OTLP/HTTP metrics endpoint (`POST /v1/metrics`, like a Collector's otlp receiver or the
 * Grafana Cloud gateway): takes `application/json` (decoded by the OTLP/JSON rules) and, unless told
 * otherwise, `application/x-protobuf`; answers in the request's encoding, errors as google.rpc.Status.
 */

export interface OtlpStandInOptions {
  readonly path?: string;
  readonly accept?: readonly ('json' | 'proto')[];
  readonly tls?: StandInTls;
}

export function statusAnswer(code: number, message: string, as: 'json' | 'proto'): Answer {
  // google.rpc.Status.code is a gRPC code; 3 = INVALID_ARGUMENT, 14 = UNAVAILABLE.
  const grpc = code === 400 ? 3 : 14;
  return as === 'proto'
    ? { status: code, headers: { 'content-type': 'application/x-protobuf' }, body: encodeStatus(grpc, message) }
    : { status: code, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: grpc, message }) };
}

export class OtlpStandIn {
  readonly received = new ReceivedMetrics();
  readonly server: HttpStandIn;
  readonly path: string;
  private readonly accept: readonly ('json' | 'proto')[];

  constructor(options: OtlpStandInOptions = {}) {
    this.path = options.path ?? '/v1/metrics';
    this.accept = options.accept ?? ['json', 'proto'];
    this.server = new HttpStandIn((req) => this.handle(req), options.tls);
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  /** Base URL for `endpoint:` (the path minus `/v1/metrics`). */
  get endpoint(): string {
    return `${this.server.origin}${this.path.replace(/\/v1\/metrics$/, '')}`;
  }

  get requests(): StandInRequest[] {
    return this.server.requests;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: StandInRequest): Answer {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    const as = type === 'application/json' ? 'json' : type === 'application/x-protobuf' ? 'proto' : undefined;
    if (req.path !== this.path) return { status: 404, body: 'not found' };
    if (as === undefined || !this.accept.includes(as)) {
      return { status: 415, headers: { 'content-type': 'text/plain' }, body: `unsupported content type ${type}` };
    }
    if (!req.body) return statusAnswer(400, 'cannot undo Content-Encoding', as);
    let metrics: ReceivedMetric[];
    try {
      metrics = as === 'json' ? decodeJsonRequest(req.body) : decodeProtoRequest(req.body);
    } catch (err) {
      return statusAnswer(400, `cannot decode request: ${err instanceof Error ? err.message : String(err)}`, as);
    }
    this.received.add(metrics);
    return as === 'json'
      ? { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }
      : { status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: encodeProtoResponse() };
  }
}

/** Starts a stand-in and puts its stop on `cleanups`, the list a test file empties after each test. */
export async function startOtlpStandIn(cleanups: (() => unknown)[], options: OtlpStandInOptions = {}): Promise<OtlpStandIn> {
  const s = await new OtlpStandIn(options).start();
  cleanups.push(() => s.stop());
  return s;
}
