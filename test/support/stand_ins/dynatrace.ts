import { type Answer, HttpStandIn, type StandInRequest } from './http_stand_in.js';
import { decodeProtoRequest, encodeProtoResponse } from '../otlp/proto_decode.js';
import { isCumulativeRefusedByDeltaBackends, type ReceivedMetric, ReceivedMetrics } from '../otlp/received.js';

/**
 * Dynatrace's OTLP metrics ingest as its documentation describes it (otel-facts §2):
 * `POST /api/v2/otlp/v1/metrics`, `Authorization: Api-Token <token>` (else 401), protobuf only (else 415),
 * gzip accepted, delta only. Cumulative monotonic sums and cumulative histograms are refused:
 * - `reject400` (default, what kongtel's issue asks for): the whole request gets 400;
 * - `partialSuccess` (what the sources show real Dynatrace doing): 200 with `partial_success` counting
 *   the refused points, the rest ingested.
 * Errors come back as Dynatrace's ErrorEnvelope JSON, `{"error":{"code":…,"message":…}}`.
 */

export const DYNATRACE_PATH = '/api/v2/otlp/v1/metrics';

export interface DynatraceOptions {
  readonly token?: string;
  readonly cumulativeAs?: 'reject400' | 'partialSuccess';
}

export function errorEnvelope(code: number, message: string): Answer {
  return {
    status: code,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code, message } }),
  };
}

function reasonFor(m: ReceivedMetric): string {
  if (m.type === 'sum') return 'UNSUPPORTED_METRIC_TYPE_MONOTONIC_CUMULATIVE_SUM';
  return 'UNSUPPORTED_METRIC_TYPE_CUMULATIVE_HISTOGRAM';
}

function ingestMessage(refused: readonly ReceivedMetric[]): string {
  const errors = refused.map((m) => `Unsupported metric: '${m.name}' - Reason: ${reasonFor(m)}`).join(', ');
  return `The following issues were encountered while ingesting OTLP metrics: Errors: ${errors}`;
}

export class DynatraceStandIn {
  readonly token: string;
  readonly cumulativeAs: 'reject400' | 'partialSuccess';
  readonly received = new ReceivedMetrics();
  readonly server: HttpStandIn;
  /** Whether any request ever carried data Dynatrace refuses for its temporality (accepted or not). */
  everCumulative = false;

  constructor(options: DynatraceOptions = {}) {
    this.token = options.token ?? 'dt0c01.STANDIN.TOKEN';
    this.cumulativeAs = options.cumulativeAs ?? 'reject400';
    this.server = new HttpStandIn((req) => this.handle(req));
  }

  async start(): Promise<this> {
    await this.server.start();
    return this;
  }

  /** What a user puts in `endpoint:` (kongtel appends `/v1/metrics`). */
  get endpoint(): string {
    return `${this.server.origin}/api/v2/otlp`;
  }

  get requests(): StandInRequest[] {
    return this.server.requests;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  private handle(req: StandInRequest): Answer {
    if (req.path !== DYNATRACE_PATH) return errorEnvelope(404, `no such endpoint: ${req.path}`);
    if (req.method !== 'POST') return errorEnvelope(405, 'use POST');
    if (req.headers.authorization !== `Api-Token ${this.token}`) {
      return errorEnvelope(401, 'Missing authorization parameter (Authorization: Api-Token <token> with scope metrics.ingest).');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
    if (type !== 'application/x-protobuf') {
      return errorEnvelope(415, `Unsupported content type ${type || '(none)'}: only application/x-protobuf is supported, JSON is not yet supported.`);
    }
    if (!req.body) return errorEnvelope(400, 'Could not decode the request body (Content-Encoding).');
    let metrics: ReceivedMetric[];
    try {
      metrics = decodeProtoRequest(req.body);
    } catch (err) {
      return errorEnvelope(400, `Could not parse the OTLP request: ${err instanceof Error ? err.message : String(err)}`);
    }
    const refused = metrics.filter(isCumulativeRefusedByDeltaBackends);
    if (refused.length > 0) this.everCumulative = true;
    if (refused.length > 0 && this.cumulativeAs === 'reject400') return errorEnvelope(400, ingestMessage(refused));
    this.received.add(metrics.filter((m) => !isCumulativeRefusedByDeltaBackends(m)));
    const rejectedDataPoints = refused.reduce((n, m) => n + m.points.length, 0);
    return {
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: encodeProtoResponse(rejectedDataPoints > 0 ? { rejectedDataPoints, errorMessage: ingestMessage(refused) } : undefined),
    };
  }
}
