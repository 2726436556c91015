import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as it came over the wire, and what the stand-in answered. */
export interface StandInRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as sent (still compressed when Content-Encoding says so). */
  readonly rawBody: Buffer;
  /** The body after Content-Encoding was undone; undefined if it could not be. */
  readonly body: Buffer | undefined;
  status: number;
  /** Answered by a programmed fault rather than by the backend logic. */
  faulted: boolean;
  /** Wall-clock arrival time (ms), to check the waits between retries. */
  readonly receivedAt: number;
}

export interface Answer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

export type Handler = (req: StandInRequest) => Answer;

/** PEM key and certificate: the stand-in then speaks https. */
export interface StandInTls {
  readonly key: Buffer;
  readonly cert: Buffer;
}

/**
 * A backend on loopback with programmable faults: answer the next N requests with a given status, delay
 * every answer, or be down (listening socket closed, so connections are refused) for a while.
 */
export class HttpStandIn {
  readonly requests: StandInRequest[] = [];
  private server: http.Server | https.Server | undefined;
  private boundPort = 0;
  private readonly faults: Answer[] = [];
  private delayMs = 0;
  private readonly waiters: { n: number; resolve: () => void }[] = [];

  constructor(
    private readonly handler: Handler,
    private readonly tls?: StandInTls,
  ) {}

  get port(): number {
    return this.boundPort;
  }

  /** `http://127.0.0.1:<port>` (https with TLS) */
  get origin(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.boundPort}`;
  }

  async start(): Promise<this> {
    await this.listen(0);
    return this;
  }

  /** Answer the next `n` requests with `answer` instead of the backend logic. */
  failNext(n: number, answer: Answer): void {
    for (let i = 0; i < n; i++) this.faults.push(answer);
  }

  delayResponses(ms: number): void {
    this.delayMs = ms;
  }

  /** Close the listening socket and every open connection: new connections are refused. */
  async goDown(): Promise<void> {
    const s = this.server;
    if (!s) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** Listen again on the same port. */
  async comeUp(): Promise<void> {
    if (!this.server) await this.listen(this.boundPort);
  }

  downFor(ms: number): Promise<void> {
    return this.goDown().then(
      () =>
        new Promise<void>((resolve) => {
          setTimeout(() => void this.comeUp().then(resolve), ms);
        }),
    );
  }

  /** Resolves once `n` requests (of any outcome) have arrived. */
  waitForRequests(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  async stop(): Promise<void> {
    await this.goDown();
  }

  private listen(port: number): Promise<void> {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        let body: Buffer | undefined = rawBody;
        const enc = req.headers['content-encoding'];
        if (enc === 'gzip') {
          try {
            body = gunzipSync(rawBody);
          } catch {
            body = undefined;
          }
        } else if (enc !== undefined && enc !== 'identity') body = undefined;
        const record: StandInRequest = {
          method: req.method ?? '',
          path: (req.url ?? '').split('?')[0],
          headers: req.headers,
          rawBody,
          body,
          status: 0,
          faulted: false,
          receivedAt: Date.now(),
        };
        const fault = this.faults.shift();
        const answer = fault ?? this.handler(record);
        record.status = answer.status;
        record.faulted = fault !== undefined;
        this.requests.push(record);
        const send = () => {
          res.writeHead(answer.status, answer.headers);
          res.end(answer.body);
          for (let i = this.waiters.length - 1; i >= 0; i--) {
            if (this.requests.length >= this.waiters[i].n) this.waiters.splice(i, 1)[0].resolve();
          }
        };
        if (this.delayMs > 0) setTimeout(send, this.delayMs);
        else send();
      });
    };
    const server = this.tls ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, onRequest) : http.createServer(onRequest);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        this.boundPort = (server.address() as AddressInfo).port;
        this.server = server;
        resolve();
      });
    });
  }
}
