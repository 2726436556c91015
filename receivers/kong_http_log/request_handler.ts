import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  PermanentError,
  decodeJsonText,
  describeRejected,
  errorMessage,
  isBackPressure,
  logBatch,
  type Consumer,
  type Logger,
  type RejectedEntry,
  type Authenticator,
  type OnCut,
  endAnswer,
  readBody,
} from '../../core/index.js';
import { bodyEncodingOf, isJsonContentType } from './content.js';
import type { ReceiverTelemetry, RejectedReason } from './telemetry.js';

const ALLOWED_METHODS = 'POST, PUT, PATCH';
const TEXT = 'text/plain; charset=utf-8';
/** A client that sent more than it may starts over on a fresh connection. */
const CLOSE = { connection: 'close' } as const;

export interface RequestHandlerOptions {
  readonly path: string;
  readonly maxBodySize: number;
  readonly auth: Authenticator | undefined;
  readonly next: Consumer;
  readonly telemetry: ReceiverTelemetry;
  readonly logger: Logger;
  /** Counts a client cut while its body was read and dropped after an early answer. */
  readonly onCut?: OnCut;
}

/**
 * One http-log request, top to bottom: credentials → route → content type → body → decode → consume →
 * answer. Credentials come first, so a client without them learns nothing (not even the path): 401 for
 * every path and method. Kong retries any answer ≥ 300, so each outcome is chosen for what a retry would
 * do: 2xx only once the pipeline took the entries, 503 when a retry can succeed, 4xx when it cannot.
 */
export class RequestHandler {
  /** Set at shutdown: answers close their connection, new requests are turned away. */
  stopping = false;
  private failing = false;

  constructor(private readonly o: RequestHandlerOptions) {}

  /** Never rejects: every outcome, a bug included, becomes an answer. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (err) {
      this.o.logger.error({ error: errorMessage(err) }, 'unexpected error while answering an http-log request');
      try {
        this.answer(req, res, 500, 'internal error in the receiver; see the collector log', { connection: 'close' });
      } catch {
        res.destroy();
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = this.o.auth;
    if (auth !== undefined && !auth.authorizes(req)) {
      return this.answer(req, res, 401, 'missing or wrong credentials (send exactly one Authorization header)', { 'www-authenticate': auth.challenges });
    }
    if (this.stopping) {
      return this.answer(req, res, 503, 'the collector is shutting down; retry', { 'retry-after': '1' });
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    if ((query < 0 ? url : url.slice(0, query)) !== this.o.path) {
      return this.answer(req, res, 404, `not found: the Kong http-log receiver listens on path ${this.o.path}`);
    }
    const method = req.method;
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') {
      return this.answer(req, res, 405, `method ${method ?? ''} not allowed: use POST, PUT or PATCH`, {
        allow: ALLOWED_METHODS,
      });
    }
    const headers = req.headers;
    if (!isJsonContentType(headers['content-type'])) {
      return this.answer(req, res, 415, 'Content-Type must be application/json');
    }
    const encoding = bodyEncodingOf(headers['content-encoding']);
    if (encoding === undefined) {
      return this.answer(req, res, 415, 'Content-Encoding must be gzip or identity');
    }
    const declared = headers['content-length'];
    if (declared !== undefined && Number(declared) > this.o.maxBodySize) {
      return this.answer(req, res, 413, this.tooLargeText(), CLOSE);
    }

    const read = await readBody(req, encoding, this.o.maxBodySize);
    switch (read.kind) {
      case 'aborted':
        return; // the client is gone: there is no one to answer
      case 'too_large':
        return this.answer(req, res, 413, this.tooLargeText(), CLOSE);
      case 'corrupt':
        return this.answer(req, res, 400, read.reason);
      case 'complete':
        break;
    }

    const decoded = decodeJsonText(read.body.toString('utf8'));
    if (typeof decoded === 'string') {
      if (!decoded.startsWith('malformed JSON')) this.o.telemetry.countRejected(rejectedReasonOf(decoded));
      return this.answer(req, res, 400, decoded);
    }
    const { entries, rejected } = decoded;
    if (rejected.length > 0) this.reportRejected(rejected, entries.length);
    if (entries.length === 0) {
      if (rejected.length === 0) return this.answer(req, res, 200, ''); // `[]`: nothing to do
      const { indexes, reasons } = describeRejected(rejected);
      const more = rejected.length > indexes.length ? ', …' : '';
      return this.answer(
        req,
        res,
        400,
        `no Kong log entries in the body: ${rejected.length} rejected (indexes ${indexes.join(', ')}${more}): ${reasons.join('; ')}`,
      );
    }

    try {
      await this.o.next.consume(logBatch(entries));
    } catch (err) {
      return this.answerRefused(req, res, err, entries.length);
    }
    this.o.telemetry.countAccepted(entries.length);
    if (this.failing) {
      this.failing = false;
      this.o.logger.info('the pipeline accepts Kong log entries again');
    }
    return this.answer(req, res, 200, '');
  }

  private answerRefused(req: IncomingMessage, res: ServerResponse, err: unknown, count: number): void {
    const telemetry = this.o.telemetry;
    if (isBackPressure(err)) {
      telemetry.countRefused('back_pressure', count);
      const retryAfter = String(Math.max(0, Math.ceil(err.retryAfterSeconds)));
      return this.answer(req, res, 503, `the pipeline is busy: ${err.message}; retry`, { 'retry-after': retryAfter });
    }
    if (err instanceof PermanentError) {
      telemetry.countRefused('permanent', count);
      return this.answer(req, res, 400, err.message);
    }
    telemetry.countRefused('error', count);
    // Logged once per failing streak: Kong retries every batch, which would repeat the line per retry.
    if (!this.failing) {
      this.failing = true;
      this.o.logger.error(
        { error: errorMessage(err) },
        'the pipeline failed on Kong log entries (answered 500; logged once until it accepts entries again)',
      );
    }
    return this.answer(req, res, 500, 'internal error in the pipeline; see the collector log');
  }

  private reportRejected(rejected: readonly RejectedEntry[], kept: number): void {
    let notObject = 0;
    for (const r of rejected) if (r.code === 'not_an_object') notObject++;
    if (notObject > 0) this.o.telemetry.countRejected('not_an_object', notObject);
    if (rejected.length > notObject) this.o.telemetry.countRejected('not_a_kong_entry', rejected.length - notObject);
    const { indexes, reasons } = describeRejected(rejected);
    this.o.logger.warn(
      { rejected: rejected.length, kept, indexes, reasons },
      'dropped array elements that are not Kong log entries',
    );
  }

  private tooLargeText(): string {
    return `body larger than max_request_body_size (${this.o.maxBodySize} bytes); lower Kong's queue.max_batch_size or raise max_request_body_size`;
  }

  /**
   * Every answer, given at any point: one before the body was read (or while it was over the limit) lets
   * the client finish sending it, so it can read the answer (core/net/lingering_close.ts).
   */
  private answer(req: IncomingMessage, res: ServerResponse, code: number, text: string, headers?: Record<string, string | string[]>): void {
    this.o.telemetry.countRequest(code);
    if (res.headersSent || res.destroyed) return; // the client went away while we worked
    const body = text === '' ? '' : `${oneLine(text)}\n`;
    res.statusCode = code;
    res.setHeader('content-type', TEXT);
    res.setHeader('content-length', Buffer.byteLength(body));
    if (headers !== undefined) for (const name in headers) res.setHeader(name, headers[name]);
    if (this.stopping) res.setHeader('connection', 'close');
    endAnswer(req, res, body, this.o.maxBodySize, this.o.onCut);
  }
}


function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/** A whole body refused by the decoder counts as one rejected item, with the decoder's reason. */
function rejectedReasonOf(reason: string): RejectedReason {
  return reason.startsWith('not a Kong log entry') ? 'not_a_kong_entry' : 'not_an_object';
}
