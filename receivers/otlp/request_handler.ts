import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  PermanentError,
  errorMessage,
  isBackPressure,
  metricBatch,
  type Consumer,
  type Logger,
  type Authenticator,
  type OnCut,
  endAnswer,
  readBody,
} from '../../core/index.js';
import { bodyEncodingOf, requestEncodingOf, type RequestEncoding } from './content.js';
import { decodeJsonRequest } from './json_request.js';
import { decodeProtobufRequest } from './proto_codec.js';
import type { Rejections } from './rejections.js';
import { errorBody, successBody, type AnswerBody } from './response.js';
import type { ReceiverTelemetry } from './telemetry.js';
import { toResourceMetrics } from './to_metric_batch.js';
import type { WireRequest } from './wire.js';

export const METRICS_PATH = '/v1/metrics';
const OTHER_SIGNALS: Readonly<Record<string, string>> = { '/v1/traces': 'traces', '/v1/logs': 'logs' };

export interface RequestHandlerOptions {
  readonly maxBodySize: number;
  readonly auth: Authenticator | undefined;
  readonly next: Consumer;
  readonly telemetry: ReceiverTelemetry;
  readonly logger: Logger;
  /** Counts a client cut while its body was read and dropped after an early answer. */
  readonly onCut?: OnCut;
}

type Headers = Record<string, string | string[]>;
/** A client that sent more than it may starts over on a fresh connection. */
const CLOSE: Headers = { connection: 'close' };

/**
 * One OTLP/HTTP export request, top to bottom: credentials → route → content type → body → decode →
 * convert → consume → answer. Credentials come first, so a client without them gets 401 for every path
 * and method and learns nothing of the rest. Answers follow the OTLP/HTTP spec, whose clients retry 429/502/503/504 only:
 * 200 once the pipeline took the points (with `partial_success` for points dropped here), 503 +
 * `Retry-After` when a retry can succeed, 4xx when it cannot.
 */
export class RequestHandler {
  /** Set at shutdown: answers close their connection, new requests are turned away. */
  stopping = false;
  private failing = false;
  /** Each drop reason is logged as a warning once, then at debug: a sender repeats the same data every interval. */
  private readonly warnedProblems = new Set<string>();

  constructor(private readonly o: RequestHandlerOptions) {}

  /** Never rejects: every outcome, a bug included, becomes an answer. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (err) {
      this.o.logger.error({ error: errorMessage(err) }, 'unexpected error while answering an OTLP request');
      try {
        this.answer(req, res, 500, errorBody(requestEncodingOf(req.headers['content-type']), 500, 'internal error in the receiver; see the collector log'), {
          connection: 'close',
        });
      } catch {
        res.destroy();
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = req.headers;
    // Errors are answered in the request's encoding when it is one of OTLP's (undefined → plain text).
    const encoding = requestEncodingOf(headers['content-type']);
    const auth = this.o.auth;
    if (auth !== undefined && !auth.authorizes(req)) {
      const why = 'missing or wrong credentials (send exactly one Authorization header)';
      return this.answerError(req, res, encoding, 401, why, { 'www-authenticate': auth.challenges });
    }
    if (this.stopping) {
      return this.answerError(req, res, encoding, 503, 'the collector is shutting down; retry', { 'retry-after': '1' });
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path !== METRICS_PATH) {
      const other = OTHER_SIGNALS[path];
      const why = other === undefined ? `not found: OTLP metrics are received on ${METRICS_PATH}` : `kongtel receives metrics only, not ${other}: send metrics to ${METRICS_PATH}`;
      return this.answerError(req, res, encoding, 404, why);
    }
    if (req.method !== 'POST') {
      return this.answerError(req, res, encoding, 405, `method ${req.method ?? ''} not allowed: OTLP/HTTP uses POST`, { allow: 'POST' });
    }
    if (encoding === undefined) {
      return this.answerError(req, res, undefined, 415, 'Content-Type must be application/x-protobuf or application/json');
    }
    const bodyEncoding = bodyEncodingOf(headers['content-encoding']);
    if (bodyEncoding === undefined) {
      return this.answerError(req, res, encoding, 415, 'Content-Encoding must be gzip or identity');
    }
    const declared = headers['content-length'];
    if (declared !== undefined && Number(declared) > this.o.maxBodySize) {
      return this.answerError(req, res, encoding, 413, this.tooLargeText(), CLOSE);
    }

    const read = await readBody(req, bodyEncoding, this.o.maxBodySize);
    switch (read.kind) {
      case 'aborted':
        return; // the client is gone: there is no one to answer
      case 'too_large':
        return this.answer(req, res, 413, errorBody(encoding, 413, this.tooLargeText()), CLOSE);
      case 'corrupt':
        return this.answer(req, res, 400, errorBody(encoding, 400, read.reason));
      case 'complete':
        break;
    }

    const decoded = decode(read.body, encoding);
    if (typeof decoded === 'string') {
      // The reason may quote the body (JSON.parse does), so it goes to the sender only, never to the log.
      this.o.logger.debug({ encoding }, 'refused an OTLP request that does not decode');
      return this.answer(req, res, 400, errorBody(encoding, 400, decoded));
    }
    const { resourceMetrics, points, rejections } = toResourceMetrics(decoded);
    if (rejections.count > 0) this.reportRejected(rejections, points);
    const partial = rejections.count > 0 ? { rejectedDataPoints: rejections.count, errorMessage: rejections.message() } : undefined;
    if (points === 0) return this.answer(req, res, 200, successBody(encoding, partial));

    try {
      await this.o.next.consume(metricBatch(resourceMetrics));
    } catch (err) {
      return this.answerRefused(req, res, encoding, err, points);
    }
    this.o.telemetry.countAccepted(points);
    if (this.failing) {
      this.failing = false;
      this.o.logger.info('the pipeline accepts OTLP metrics again');
    }
    return this.answer(req, res, 200, successBody(encoding, partial));
  }

  private answerRefused(req: IncomingMessage, res: ServerResponse, encoding: RequestEncoding, err: unknown, points: number): void {
    const telemetry = this.o.telemetry;
    if (isBackPressure(err)) {
      telemetry.countRefused('back_pressure', points);
      const retryAfter = String(Math.max(0, Math.ceil(err.retryAfterSeconds)));
      return this.answer(req, res, 503, errorBody(encoding, 503, `the pipeline is busy: ${err.message}; retry`), { 'retry-after': retryAfter });
    }
    if (err instanceof PermanentError) {
      telemetry.countRefused('permanent', points);
      return this.answer(req, res, 400, errorBody(encoding, 400, err.message));
    }
    // Not known to be permanent, so retryable, as the Collector's OTLP receiver answers such errors.
    telemetry.countRefused('error', points);
    if (!this.failing) {
      this.failing = true;
      this.o.logger.error(
        { error: errorMessage(err) },
        'the pipeline failed on OTLP metrics (answered 503; logged once until it accepts metrics again)',
      );
    }
    return this.answer(req, res, 503, errorBody(encoding, 503, 'the pipeline failed; see the collector log; retry'), { 'retry-after': '1' });
  }

  private reportRejected(rejections: Rejections, kept: number): void {
    const telemetry = this.o.telemetry;
    telemetry.countRefused('summary', rejections.countOf('summary'));
    telemetry.countRefused('invalid', rejections.countOf('invalid'));
    const problems = rejections.problemList();
    const fresh = problems.filter((p) => !this.warnedProblems.has(p));
    for (const p of fresh) this.warnedProblems.add(p);
    const fields = { dropped: rejections.count, kept, problems };
    if (fresh.length > 0) this.o.logger.warn(fields, 'dropped OTLP data points (answered with partial_success; each reason is logged once)');
    else this.o.logger.debug(fields, 'dropped OTLP data points');
  }

  private tooLargeText(): string {
    return `body larger than max_request_body_size (${this.o.maxBodySize} bytes): send smaller batches or raise protocols.http.max_request_body_size`;
  }

  private answerError(
    req: IncomingMessage,
    res: ServerResponse,
    encoding: RequestEncoding | undefined,
    code: number,
    text: string,
    headers?: Headers,
  ): void {
    const length = req.headers['content-length'];
    const drainable = req.headers['transfer-encoding'] === undefined && (length === undefined || Number(length) <= this.o.maxBodySize);
    this.answer(req, res, code, errorBody(encoding, code, text), drainable ? headers : { ...headers, connection: 'close' });
  }

  /**
   * Every answer, given at any point: one before the body was read (or while it was over the limit) lets
   * the client finish sending it, so it can read the answer (core/net/lingering_close.ts).
   */
  private answer(req: IncomingMessage, res: ServerResponse, code: number, answer: AnswerBody, headers?: Headers): void {
    this.o.telemetry.countRequest(code);
    if (res.headersSent || res.destroyed) return; // the client went away while we worked
    res.statusCode = code;
    res.setHeader('content-type', answer.contentType);
    res.setHeader('content-length', answer.body.length);
    if (headers !== undefined) for (const name in headers) res.setHeader(name, headers[name]);
    if (this.stopping) res.setHeader('connection', 'close');
    endAnswer(req, res, answer.body, this.o.maxBodySize, this.o.onCut);
  }
}

/** The request as the wire shape, or why it is not an ExportMetricsServiceRequest (answered 400). */
function decode(body: Buffer, encoding: RequestEncoding): WireRequest | string {
  if (encoding === 'protobuf') {
    try {
      return decodeProtobufRequest(body);
    } catch (err) {
      return `malformed protobuf: not an ExportMetricsServiceRequest (${errorMessage(err)})`;
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return `malformed JSON: ${errorMessage(err)}`;
  }
  try {
    return decodeJsonRequest(json);
  } catch (err) {
    return `not an OTLP/JSON ExportMetricsServiceRequest: ${errorMessage(err)}`;
  }
}
