import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { SelfTelemetry } from '../telemetry.js';
import { ConnectionGuard } from './connection_guard.js';
import { ClientErrorAnswers, type OnCut } from './lingering_close.js';
import type { HttpServerSettings } from './server_config.js';
import { tlsServerOptions, type TlsMaterial } from './tls.js';

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Where a listener reports: its config key path, the collector's self-telemetry and the component's logger. */
export interface ListenerContext {
  readonly where: string;
  readonly telemetry: SelfTelemetry;
  readonly logger: Logger;
  readonly clock: Clock;
}

export interface GuardedHttpServer {
  readonly server: http.Server;
  readonly guard: ConnectionGuard;
  /** For answers that linger (core/net/lingering_close.ts): counts a client cut at a bound. */
  readonly countCut: OnCut;
}

/**
 * An HTTP/1.1 server (HTTPS when `tls` is given) for every listener: timeouts that close slow, silent and
 * idle clients, a cap on connections (ConnectionGuard), and parser errors (431, 408, 400) answered so the
 * client can read them. HTTP keep-alive is node's default; TCP keep-alive also finds peers that vanished.
 */
export function createHttpServer(
  settings: HttpServerSettings,
  tls: TlsMaterial | undefined,
  listener: RequestListener,
  ctx: ListenerContext,
): GuardedHttpServer {
  const requestTimeout = Math.ceil(settings.read_timeout);
  const headersTimeout = Math.ceil(settings.read_header_timeout);
  const options: http.ServerOptions = {
    requestTimeout,
    headersTimeout,
    keepAlive: true,
    // Node enforces the two timeouts above only when it sweeps its connections; the default sweep
    // (every 30 s) would let a slow client stay far longer than configured.
    connectionsCheckingInterval: sweepInterval(requestTimeout, headersTimeout),
  };
  const server = tls === undefined ? http.createServer(options, listener) : httpsServer(options, tls, listener, ctx.where);
  server.keepAliveTimeout = Math.ceil(settings.idle_timeout);

  const guard = new ConnectionGuard(server, { ...ctx, maxConnections: settings.max_connections });
  const countCut: OnCut = (bound) => guard.countClosed(bound);
  const answers = new ClientErrorAnswers((reason) => guard.countClosed(reason), ctx.clock);
  // The response in progress on each connection: a parser error then must not write a second answer into it.
  const responding = new WeakMap<Duplex, http.ServerResponse>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    responding.set(req.socket, res);
    res.once('finish', () => {
      if (responding.get(req.socket) === res) responding.delete(req.socket);
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    answers.handle(err, socket, responding.get(socket)?.headersSent === true);
  });
  return { server, guard, countCut };
}

function httpsServer(options: http.ServerOptions, tls: TlsMaterial, listener: RequestListener, where: string): https.Server {
  try {
    // The handshake is part of receiving the first request's headers.
    return https.createServer({ ...options, ...tlsServerOptions(tls), handshakeTimeout: options.headersTimeout }, listener);
  } catch (err) {
    throw new Error(`${where}.tls: cannot use cert_file/key_file (${(err as Error).message}); check they are a matching PEM certificate and key`);
  }
}

function sweepInterval(...timeouts: number[]): number {
  const positive = timeouts.filter((t) => t > 0);
  if (positive.length === 0) return 30_000;
  return Math.min(1000, Math.max(10, Math.floor(Math.min(...positive) / 4)));
}
