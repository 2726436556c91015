import type http from 'node:http';
import {
  Authenticator,
  createHttpServer,
  errorMessage,
  listen,
  parseEndpoint,
  readTlsMaterial,
  type ComponentContext,
  type Consumer,
  type Host,
  type HostPort,
  type Receiver,
  type Timer,
} from '../../core/index.js';
import type { KongHttpLogConfig } from './config.js';
import { RequestHandler } from './request_handler.js';
import { ReceiverTelemetry } from './telemetry.js';

/**
 * How long shutdown waits for requests already in the pipeline before cutting their connections.
 * Kong's http-log gives up after 10 s and retries, so waiting longer would not save a batch.
 */
export const SHUTDOWN_GRACE_MS = 5_000;

/** Receives Kong http-log batches over HTTP(S) and hands their entries to the pipeline. */
export class KongHttpLogReceiver implements Receiver {
  private server: http.Server | undefined;
  private readonly handler: RequestHandler;
  private readonly where: string;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(
    private readonly config: KongHttpLogConfig,
    private readonly ctx: ComponentContext,
    next: Consumer,
  ) {
    this.where = `receivers.${ctx.id}`;
    this.handler = new RequestHandler({
      path: config.path,
      maxBodySize: config.max_request_body_size,
      auth: config.auth === undefined ? undefined : new Authenticator(config.auth),
      next,
      telemetry: new ReceiverTelemetry(ctx.telemetry, ctx.id),
      logger: ctx.logger,
    });
  }

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    const bound = this.server?.address();
    if (bound === undefined || bound === null || typeof bound === 'string') {
      throw new Error(`${this.where}: not listening; call start() first`);
    }
    return { host: bound.address, port: bound.port };
  }

  async start(_host: Host): Promise<void> {
    const at = parseEndpoint(this.config.endpoint);
    if (at === undefined) throw new Error(`${this.where}.endpoint: must be host:port, e.g. "0.0.0.0:8080"`);
    const tls = this.config.tls === undefined ? undefined : await readTlsMaterial(this.config.tls, this.where);
    const server = createHttpServer(
      { requestTimeout: this.config.read_timeout, headersTimeout: this.config.read_header_timeout, idleTimeout: this.config.idle_timeout },
      tls,
      this.onRequest,
    );
    await listen(server, at, this.where);
    server.on('error', (err: Error) => this.ctx.logger.error({ error: errorMessage(err) }, 'http-log server error'));
    this.server = server;
    this.ctx.logger.info(
      { endpoint: `${this.address.host}:${this.address.port}`, path: this.config.path, tls: tls !== undefined },
      'receiving Kong http-log batches',
    );
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    this.handler.stopping = true;
    // close() stops accepting and closes idle keep-alive connections; busy ones close after their answer
    // (it carries `Connection: close`), and the callback runs once every connection is gone.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const deadline: Timer = this.ctx.clock.setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    await this.idle();
    server.closeIdleConnections();
    await closed;
    deadline.cancel();
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    this.inFlight++;
    void this.handler.handle(req, res).then(this.settled);
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
