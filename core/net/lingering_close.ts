import http from 'node:http';
import type { Duplex } from 'node:stream';
import { systemClock, type Clock } from '../clock.js';
import type { ClosedReason } from './connection_guard.js';

/**
 * Closing a connection while the client is still sending makes the kernel answer with a reset (RST),
 * which can destroy our answer before the client read it: a Kong worker that writes its whole batch
 * before reading gets "connection reset" instead of the 413 and never learns why. So an answer given
 * before the request was read to its end is sent at once, then what the client still sends is read and
 * dropped until it finishes (or a bound is reached), and only then is the connection closed. nginx calls
 * this lingering close (`lingering_time`); Go's net/http does the same after a MaxBytesReader error
 * (go/src/net/http/server.go, closeWriteAndWait / rstAvoidanceDelay).
 */

/** Longest time, after such an answer, spent reading what the client still sends. */
export const LINGER_MS = 5_000;
/** At least this many bytes are read and dropped after such an answer, whatever the body limit. */
const MIN_LINGER_BYTES = 4 * 1024 * 1024;

/**
 * How much a client may still send after the answer before it is cut: as much again as the body limit
 * (at least 4 MiB). Reading and dropping costs no memory, only the bandwidth of one more request.
 */
export function lingerBytes(maxBodySize: number): number {
  return Math.max(maxBodySize, MIN_LINGER_BYTES);
}

/** Called when a client is cut at a bound instead of closing cleanly (for a self-metric). */
export type OnCut = (bound: 'linger_time' | 'linger_bytes') => void;

/**
 * Ends `res` (status and headers set, `body` its whole content). A request read to its end is answered
 * as usual. A body still arriving whose declared length is within `maxBodySize` is left to Node, which
 * reads and drops it and keeps the connection. Otherwise the answer goes out now with `Connection: close`,
 * the rest of the body is read and dropped, and the response is ended (which closes the connection) once
 * the body ends, after `lingerBytes(maxBodySize)` more bytes, or after LINGER_MS, whichever comes first.
 */
export function endAnswer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: Uint8Array | string,
  maxBodySize: number,
  onCut?: OnCut,
  clock: Clock = systemClock,
): void {
  if (req.complete) {
    res.end(body);
    return;
  }
  const declared = req.headers['transfer-encoding'] === undefined ? Number(req.headers['content-length'] ?? 0) : Number.NaN;
  if (declared <= maxBodySize && res.getHeader('connection') !== 'close') {
    res.end(body);
    return;
  }
  res.setHeader('connection', 'close');
  // Head and body leave now: a client that reads while it sends sees the answer at once and may stop.
  res.write(body);
  let left = lingerBytes(maxBodySize);
  const stop = (): void => {
    timer.cancel();
    req.off('data', onData);
    req.off('end', onEnd);
    res.off('close', stop);
  };
  const cut = (bound: 'linger_time' | 'linger_bytes'): void => {
    stop();
    res.end();
    onCut?.(bound);
    req.socket.destroy();
  };
  const onData = (chunk: Buffer): void => {
    left -= chunk.length;
    if (left < 0) cut('linger_bytes');
  };
  const onEnd = (): void => {
    stop();
    res.end();
  };
  const timer = clock.setTimeout(() => cut('linger_time'), LINGER_MS);
  req.on('data', onData);
  req.once('end', onEnd);
  res.once('close', stop);
  req.resume();
}

/** What Node's parser errors mean for the client, as Node's own default answers say it. */
function clientErrorStatus(code: string | undefined): number {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return 431;
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 413;
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 408;
    default:
      return 400;
  }
}

const CLIENT_ERROR_TEXT: Readonly<Record<number, string>> = {
  431: `request headers larger than ${http.maxHeaderSize} bytes; send fewer or shorter headers`,
  413: 'chunk extensions too large',
  408: 'request not received in time (read_header_timeout or read_timeout); send it faster',
  400: 'malformed HTTP request',
};

/**
 * Answers what Node's HTTP parser refused (the server's 'clientError': too many header bytes, a timeout,
 * a malformed request) with the status Node would send, then lingers as above instead of destroying the
 * socket at once, as Node's default does. Node calls it again for every chunk that arrives meanwhile
 * (its parser stays in error and drops them); those calls only check the bounds. A connection that never
 * sent a byte (Node times those out too, from the moment they connect) has nothing to linger for.
 * `answering`: a response to this connection has started, so nothing may be written into it.
 */
export class ClientErrorAnswers {
  private readonly lingering = new WeakMap<Duplex, number>();

  constructor(
    private readonly count: (reason: ClosedReason) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  readonly handle = (err: NodeJS.ErrnoException, socket: Duplex, answering: boolean): void => {
    const startedAt = this.lingering.get(socket);
    if (startedAt !== undefined) {
      if (bytesRead(socket) - startedAt > MIN_LINGER_BYTES) this.cut(socket, 'linger_bytes');
      return;
    }
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') this.count('request_timeout');
    // Only HTTP-level errors get an HTTP answer. https hands TLS failures (a handshake timeout, a bad
    // client certificate) to the same event, on a socket that speaks no HTTP yet; resets need nothing.
    const httpLevel = err.code !== undefined && (err.code.startsWith('HPE_') || err.code === 'ERR_HTTP_REQUEST_TIMEOUT');
    if (!httpLevel || !socket.writable || answering) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(err.code);
    const text = `${CLIENT_ERROR_TEXT[status]}\n`;
    const silent = bytesRead(socket) === 0;
    this.lingering.set(socket, bytesRead(socket));
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
    );
    if (silent) {
      socket.once('finish', () => socket.destroy());
      return;
    }
    const timer = this.clock.setTimeout(() => this.cut(socket, 'linger_time'), LINGER_MS);
    socket.once('close', () => timer.cancel());
    // The client's FIN: it sent all it had and everything was read, so closing now sends no reset.
    socket.once('end', () => socket.destroy());
  };

  private cut(socket: Duplex, bound: 'linger_time' | 'linger_bytes'): void {
    if (socket.destroyed) return;
    this.count(bound);
    socket.destroy();
  }
}

function bytesRead(socket: Duplex): number {
  return (socket as Partial<{ bytesRead: number }>).bytesRead ?? 0;
}
