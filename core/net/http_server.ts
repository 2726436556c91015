import http from 'node:http';
import https from 'node:https';
import { tlsServerOptions, type TlsMaterial } from './tls.js';

export interface HttpServerTimeouts {
  /** Longest time to receive a whole request, ms (0 = none). */
  readonly requestTimeout: number;
  /** Longest time to receive the headers, ms. */
  readonly headersTimeout: number;
  /** How long an idle keep-alive connection stays open, ms. */
  readonly idleTimeout: number;
}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * An HTTP/1.1 server (HTTPS when `tls` is given) whose timeouts stop slow or idle clients from holding
 * connections. HTTP keep-alive is node's default; TCP keep-alive also finds peers that vanished.
 */
export function createHttpServer(timeouts: HttpServerTimeouts, tls: TlsMaterial | undefined, listener: RequestListener): http.Server {
  const requestTimeout = Math.ceil(timeouts.requestTimeout);
  const headersTimeout = Math.ceil(timeouts.headersTimeout);
  const options: http.ServerOptions = {
    requestTimeout,
    headersTimeout,
    keepAlive: true,
    // Node enforces the two timeouts above only when it sweeps its connections; the default sweep
    // (every 30 s) would let a slow client stay far longer than configured.
    connectionsCheckingInterval: sweepInterval(requestTimeout, headersTimeout),
  };
  const server = tls === undefined ? http.createServer(options, listener) : https.createServer({ ...options, ...tlsServerOptions(tls) }, listener);
  server.keepAliveTimeout = Math.ceil(timeouts.idleTimeout);
  return server;
}

function sweepInterval(...timeouts: number[]): number {
  const positive = timeouts.filter((t) => t > 0);
  if (positive.length === 0) return 30_000;
  return Math.min(1000, Math.max(10, Math.floor(Math.min(...positive) / 4)));
}
