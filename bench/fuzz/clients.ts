import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

/** The senders a fuzz case uses: real sockets on loopback, each bounded by a deadline so a hang is a finding. */

export type HttpOutcome =
  | { readonly kind: 'answer'; readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: Buffer }
  /** The connection failed before an answer arrived (ECONNRESET, EPIPE…). */
  | { readonly kind: 'reset'; readonly error: string }
  | { readonly kind: 'timeout' };

export interface HttpSend {
  readonly method: string;
  readonly path: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: Buffer;
  /** No Content-Length: the body goes out in chunked transfer encoding. */
  readonly chunked?: boolean;
}

/** One request; `agent` keeps connections alive between cases, as Kong's http-log does. */
export function sendHttp(port: number, agent: http.Agent, o: HttpSend, timeoutMs: number): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: HttpOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const headers: http.OutgoingHttpHeaders = { ...o.headers };
    // Said outright: Node frames a GET or DELETE body without Content-Length as nothing at all otherwise.
    if (o.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = o.body.length;
    const req = http.request({ host: '127.0.0.1', port, method: o.method, path: o.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish({ kind: 'answer', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => finish({ kind: 'reset', error: err.message }));
    });
    const timer = setTimeout(() => {
      req.destroy();
      finish({ kind: 'timeout' });
    }, timeoutMs);
    // An early answer (413 from Content-Length) may close the connection while the body is still going out.
    req.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'reset', error: err.code ?? err.message }));
    if (o.chunked) {
      // A few chunks rather than one, so the receiver really sees a chunked upload.
      const step = Math.max(1, Math.ceil(o.body.length / 3));
      for (let i = 0; i < o.body.length; i += step) req.write(o.body.subarray(i, i + step));
      req.end();
    } else {
      req.end(o.body);
    }
  });
}

export type StreamOutcome = { readonly kind: 'closed' } | { readonly kind: 'reset'; readonly error: string } | { readonly kind: 'timeout' };

/** Opens a tcp connection, writes `stream` cut at `cuts`, ends it, and waits for the receiver to close its side. */
export function sendTcp(port: number, stream: Buffer, cuts: readonly number[], timeoutMs: number): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const socket = net.connect({ host: '127.0.0.1', port });
    const finish = (outcome: StreamOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'reset', error: err.code ?? err.message }));
    socket.on('close', () => finish({ kind: 'closed' }));
    socket.on('connect', () => {
      let from = 0;
      for (const cut of [...cuts, stream.length]) {
        if (cut > from) socket.write(stream.subarray(from, cut));
        from = Math.max(from, cut);
      }
      socket.end();
    });
    // The receiver writes nothing; reading keeps the socket flowing so 'close' is seen.
    socket.resume();
  });
}

/** A udp socket for a whole run: one datagram per case. */
export class DatagramSender {
  private readonly socket = dgram.createSocket('udp4');

  constructor(private readonly port: number) {}

  send(datagram: Buffer): Promise<string | undefined> {
    return new Promise((resolve) => this.socket.send(datagram, this.port, '127.0.0.1', (err) => resolve(err?.message)));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** Polls `done` until it holds or `timeoutMs` passes; true when it held. */
export async function waitUntil(done: () => boolean, timeoutMs: number, everyMs = 2): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return true;
}
