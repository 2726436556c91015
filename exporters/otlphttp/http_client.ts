import http from 'node:http';
import https from 'node:https';
import { type Clock, errorMessage, redactUrls, type Timer } from '../../core/index.js';
import { CONTENT_TYPE, type EncodedRequest } from './encode.js';
import { errorText, parsePartialSuccess, parseRetryAfter } from './response.js';

/** OTLP/HTTP: only these statuses are worth retrying (otel-facts §6); everything else is final. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Enough for a partial-success answer or an error text; a backend sending more is not telling us more. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export type AttemptOutcome =
  | { readonly kind: 'accepted'; readonly rejectedPoints: number; readonly errorMessage: string }
  | { readonly kind: 'retryable'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'permanent'; readonly status: number; readonly message: string }
  | { readonly kind: 'aborted' };

export interface HttpClientOptions {
  readonly url: URL;
  /** Configured headers plus Authorization; never logged. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly ca?: Buffer;
  readonly rejectUnauthorized: boolean;
  readonly clock: Clock;
}

/**
 * One POST per call over a keep-alive agent. node:http rather than fetch, so TLS (CA file, skip-verify)
 * and the per-attempt timeout are ours to set; the timeout runs on the injected clock.
 */
export class HttpClient {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(private readonly options: HttpClientOptions) {
    if (options.url.protocol === 'https:') {
      this.agent = new https.Agent({ keepAlive: true, ca: options.ca, rejectUnauthorized: options.rejectUnauthorized });
      this.request = https.request;
    } else {
      this.agent = new http.Agent({ keepAlive: true });
      this.request = http.request;
    }
  }

  post(req: EncodedRequest, signal: AbortSignal): Promise<AttemptOutcome> {
    if (signal.aborted) return Promise.resolve({ kind: 'aborted' });
    const headers: Record<string, string | number> = {
      ...this.options.headers,
      'Content-Type': CONTENT_TYPE[req.encoding],
      'Content-Length': req.body.length,
      'User-Agent': 'kongtel',
    };
    if (req.compression === 'gzip') headers['Content-Encoding'] = 'gzip';
    return new Promise((resolve) => {
      let settled = false;
      let timer: Timer | undefined;
      const onAbort = () => {
        r?.destroy();
        finish({ kind: 'aborted' });
      };
      const finish = (o: AttemptOutcome) => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        signal.removeEventListener('abort', onAbort);
        resolve(o);
      };
      let r: http.ClientRequest | undefined;
      try {
        r = this.request(this.options.url, { method: 'POST', agent: this.agent, headers }, (res) => this.read(res, req, finish));
      } catch (err) {
        // Only a request node refuses to build (a header it rejects) gets here: retrying cannot help.
        finish({ kind: 'permanent', status: 0, message: errorMessage(err) });
        return;
      }
      const sent = r;
      timer = this.options.clock.setTimeout(() => {
        sent.destroy();
        finish({ kind: 'retryable', reason: `no answer within timeout (${this.options.timeoutMs} ms)` });
      }, this.options.timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      sent.on('error', (err) => finish({ kind: 'retryable', reason: networkReason(err) }));
      sent.end(req.body);
    });
  }

  /** Classifies the answer: 2xx (maybe partial), retryable status (with Retry-After), or final. */
  private read(res: http.IncomingMessage, req: EncodedRequest, finish: (o: AttemptOutcome) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      if (size < MAX_RESPONSE_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    res.on('error', (err) => finish({ kind: 'retryable', reason: networkReason(err) }));
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      const status = res.statusCode ?? 0;
      const contentType = res.headers['content-type'];
      if (status >= 200 && status < 300) {
        const ps = parsePartialSuccess(body, contentType, req.encoding);
        finish({ kind: 'accepted', rejectedPoints: ps.rejectedPoints, errorMessage: ps.errorMessage });
      } else if (RETRYABLE_STATUS.has(status)) {
        const retryAfterMs = parseRetryAfter(headerValue(res.headers['retry-after']), this.options.clock.now());
        finish({ kind: 'retryable', reason: `HTTP ${status}`, retryAfterMs });
      } else {
        finish({ kind: 'permanent', status, message: redactUrls(errorText(body, contentType)) });
      }
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function networkReason(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ? `${code}: ${errorMessage(err)}` : errorMessage(err);
}
