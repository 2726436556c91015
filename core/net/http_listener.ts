import type http from 'node:http';
import type { Timer } from '../clock.js';
import type { HostPort } from '../config/units.js';
import { errorMessage } from '../errors.js';
import { createHttpServer, type ListenerContext } from './http_server.js';
import type { ConnectionGuard } from './connection_guard.js';
import type { OnCut } from './lingering_close.js';
import { listen } from './listen.js';
import type { HttpServerSettings } from './server_config.js';
import type { TlsMaterial } from './tls.js';

/**
 * How long shutdown waits for requests already in the pipeline before cutting their connections. Kong's
 * http-log gives up after 10 s and OTLP senders after 10 s, and both retry, so waiting longer saves nothing.
 */
export const SHUTDOWN_GRACE_MS = 5_000;

type Handle = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/**
 * The HTTP side of a receiver (kong_http_log, otlp): a server with timeouts, the count of requests being
 * handled, and a shutdown that stops accepting, lets those requests answer (bounded), then closes.
 */
export class HttpListener {
  private server: http.Server | undefined;
  private guard: ConnectionGuard | undefined;
  private cut: OnCut | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  /** `ctx.where`: the config key path of the server, for error messages, logs and self-metrics. */
  constructor(
    private readonly handle: Handle,
    private readonly ctx: ListenerContext,
  ) {}

  /** Counts a client cut at a lingering bound (see lingering_close.ts). */
  readonly countCut: OnCut = (bound) => this.cut?.(bound);

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    const bound = this.server?.address();
    if (bound === undefined || bound === null || typeof bound === 'string') {
      throw new Error(`${this.ctx.where}: not listening; call start() first`);
    }
    return { host: bound.address, port: bound.port };
  }

  async start(at: HostPort, settings: HttpServerSettings, tls: TlsMaterial | undefined): Promise<void> {
    const { server, guard, countCut } = createHttpServer(settings, tls, this.onRequest, this.ctx);
    await listen(server, at, this.ctx.where);
    server.on('error', (err: Error) => this.ctx.logger.error({ error: errorMessage(err) }, 'HTTP server error'));
    this.server = server;
    this.cut = countCut;
    this.guard = guard;
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    // close() stops accepting and closes idle keep-alive connections; busy ones close after their answer
    // (it carries `Connection: close`), and the callback runs once every connection is gone.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const guard = this.guard;
    const deadline: Timer = this.ctx.clock.setTimeout(() => {
      server.closeAllConnections();
      // Node knows only connections that reached HTTP; one still in its TLS handshake is the guard's.
      guard?.destroyAll();
    }, SHUTDOWN_GRACE_MS);
    await this.idle();
    server.closeIdleConnections();
    await closed;
    deadline.cancel();
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    this.inFlight++;
    void this.handle(req, res).then(this.settled);
  };

  private readonly settled = (): void => {
    this.inFlight--;
    if (this.inFlight === 0 && this.drained !== undefined) this.drained();
  };

  /** Resolves when no request is being handled, or when the shutdown grace period ends. */
  private idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = this.ctx.clock.setTimeout(resolve, SHUTDOWN_GRACE_MS);
      this.drained = () => {
        timer.cancel();
        resolve();
      };
    });
  }
}
