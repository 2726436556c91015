import type http from 'node:http';
import {
  errorMessage,
  parseEndpoint,
  type ComponentContext,
  type Consumer,
  type Host,
  type HostPort,
  type Receiver,
  type Timer,
  Authenticator,
  createHttpServer,
  listen,
  readTlsMaterial,
} from '../../core/index.js';
import type { OtlpReceiverConfig } from './config.js';
import { METRICS_PATH, RequestHandler } from './request_handler.js';
import { ReceiverTelemetry } from './telemetry.js';

/**
 * How long shutdown waits for requests already in the pipeline before cutting their connections. OTLP
 * senders time out after 10 s (the SDK's default) and retry, so waiting longer would not save a request.
 */
export const SHUTDOWN_GRACE_MS = 5_000;

/** Receives OTLP/HTTP metric exports (protobuf or JSON) and hands them to the pipeline as metric batches. */
export class OtlpReceiver implements Receiver {
  private server: http.Server | undefined;
  private readonly handler: RequestHandler;
  /** The config key path of the HTTP server, for error messages. */
  private readonly where: string;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(
    private readonly config: OtlpReceiverConfig,
    private readonly ctx: ComponentContext,
    next: Consumer,
  ) {
    this.where = `receivers.${ctx.id}.protocols.http`;
    const server = config.protocols.http;
    this.handler = new RequestHandler({
      maxBodySize: server.max_request_body_size,
      auth: server.auth === undefined ? undefined : new Authenticator(server.auth),
      next,
      telemetry: new ReceiverTelemetry(ctx.telemetry, ctx.id),
      logger: ctx.logger,
    });
  }

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    const bound = this.server?.address();
    if (bound === undefined || bound === null || typeof bound === 'string') {
      throw new Error(`receivers.${this.ctx.id}: not listening; call start() first`);
    }
    return { host: bound.address, port: bound.port };
  }

  async start(_host: Host): Promise<void> {
    const config = this.config.protocols.http;
    const at = parseEndpoint(config.endpoint);
    if (at === undefined) throw new Error(`${this.where}.endpoint: must be host:port, e.g. "0.0.0.0:4318"`);
    const tls = config.tls === undefined ? undefined : await readTlsMaterial(config.tls, this.where);
    // Fixed timeouts: a 20 MiB body at 1 MB/s still fits in 60 s; idle above the 60 s keep-alive of Kong
    // and of most OTLP clients, so the client closes an idle connection first.
    const server = createHttpServer({ requestTimeout: 60_000, headersTimeout: 10_000, idleTimeout: 65_000 }, tls, this.onRequest);
    await listen(server, at, this.where);
    server.on('error', (err: Error) => this.ctx.logger.error({ error: errorMessage(err) }, 'OTLP/HTTP server error'));
    this.server = server;
    this.ctx.logger.info(
      { endpoint: `${this.address.host}:${this.address.port}`, path: METRICS_PATH, tls: tls !== undefined },
      'receiving OTLP/HTTP metrics',
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
