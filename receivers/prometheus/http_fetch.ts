import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Clock, Timer } from '../../core/index.js';
import type { ScrapeTarget } from './target.js';
import type { FailureReason } from './telemetry.js';

export type FetchResult =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: FailureReason; readonly detail: string };

/** What Prometheus asks for when it wants the text format; Kong's plugin answers it. */
export const ACCEPT = 'text/plain;version=0.0.4';

/**
 * GETs one target's page, as Prometheus does: text format, gzip accepted, `scrape_timeout` for the whole
 * exchange (timed on the injected clock), one kept-alive connection per target. Never rejects: every
 * failure becomes a reason and a detail for the log (an error code or status, never a header or body).
 */
export class PageFetcher {
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private inFlight: http.ClientRequest | undefined;

  constructor(
    private readonly target: ScrapeTarget,
    private readonly clock: Clock,
  ) {
    const tls = target.tls;
    this.agent =
      target.scheme === 'https'
        ? new https.Agent({ keepAlive: true, maxSockets: 1, ca: tls?.ca, rejectUnauthorized: tls?.rejectUnauthorized ?? true })
        : new http.Agent({ keepAlive: true, maxSockets: 1 });
    this.headers = {
      Accept: ACCEPT,
      'Accept-Encoding': 'gzip',
      'User-Agent': 'kongtel',
      'X-Prometheus-Scrape-Timeout-Seconds': String(target.timeoutMs / 1000),
    };
    if (target.authorization !== undefined) this.headers.Authorization = target.authorization;
  }

  fetch(): Promise<FetchResult> {
    const t = this.target;
    return new Promise((resolve) => {
      let settled = false;
      let timedOut = false;
      let timer: Timer | undefined;
      const finish = (result: FetchResult): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        this.inFlight = undefined;
        resolve(result);
      };
      const broken = (err: NodeJS.ErrnoException): void => {
        finish(
          timedOut
            ? { ok: false, reason: 'timeout', detail: `no complete answer within scrape_timeout (${t.timeoutMs} ms)` }
            : { ok: false, reason: 'connection', detail: err.code ?? err.message },
        );
      };
      const options: http.RequestOptions = { host: t.host, port: t.port, path: t.path, method: 'GET', headers: this.headers, agent: this.agent };
      const req = (t.scheme === 'https' ? https : http).request(options, (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          finish({ ok: false, reason: 'http_status', detail: `HTTP ${status}${status === 401 || status === 403 ? ' (check basic_auth / bearer_token)' : ''}` });
          return;
        }
        const encoding = String(res.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
        const type = String(res.headers['content-type'] ?? '');
        if (type.includes('protobuf')) {
          res.resume();
          finish({ ok: false, reason: 'parse', detail: `the target answered ${type}; only the text format is read` });
          return;
        }
        let body: Readable = res;
        if (encoding === 'gzip' || encoding === 'x-gzip') {
          const gunzip = createGunzip();
          gunzip.on('error', () => finish({ ok: false, reason: 'decode', detail: 'the gzip body is corrupt' }));
          body = res.pipe(gunzip);
        } else if (encoding !== 'identity' && encoding !== '') {
          res.resume();
          finish({ ok: false, reason: 'decode', detail: `unsupported Content-Encoding "${encoding}" (gzip was asked for)` });
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        body.on('data', (c: Buffer) => {
          size += c.length;
          if (t.bodySizeLimit > 0 && size > t.bodySizeLimit) {
            req.destroy();
            body.destroy();
            finish({ ok: false, reason: 'body_size', detail: `the page is larger than body_size_limit (${t.bodySizeLimit} bytes once decompressed)` });
            return;
          }
          chunks.push(c);
        });
        // Bytes, not text: the parser must see which bytes are not UTF-8 (decoding would hide them).
        body.on('end', () => finish({ ok: true, body: Buffer.concat(chunks) }));
        res.on('error', broken);
        res.on('close', () => {
          if (!res.complete) broken({ name: 'Error', message: 'the connection closed before the body ended', code: 'ECONNRESET' });
        });
      });
      req.on('error', broken);
      this.inFlight = req;
      timer = this.clock.setTimeout(() => {
        timedOut = true;
        req.destroy();
        broken({ name: 'Error', message: 'timeout' });
      }, t.timeoutMs);
      req.end();
    });
  }

  /** Aborts a scrape in flight and closes the kept-alive connection. */
  close(): void {
    this.inFlight?.destroy();
    this.inFlight = undefined;
    this.agent.destroy();
  }
}
