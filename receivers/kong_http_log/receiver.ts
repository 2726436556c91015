import {
  Authenticator,
  HttpListener,
  parseEndpoint,
  readTlsMaterial,
  type ComponentContext,
  type Consumer,
  type Host,
  type HostPort,
  type Receiver,
} from '../../core/index.js';
import type { KongHttpLogConfig } from './config.js';
import { RequestHandler } from './request_handler.js';
import { ReceiverTelemetry } from './telemetry.js';

export { SHUTDOWN_GRACE_MS } from '../../core/index.js';

/** Receives Kong http-log batches over HTTP(S) and hands their entries to the pipeline. */
export class KongHttpLogReceiver implements Receiver {
  private readonly handler: RequestHandler;
  private readonly listener: HttpListener;
  private readonly where: string;

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
      onCut: (bound) => this.listener.countCut(bound),
    });
    this.listener = new HttpListener((req, res) => this.handler.handle(req, res), { ...ctx, where: this.where });
  }

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    return this.listener.address;
  }

  async start(_host: Host): Promise<void> {
    const at = parseEndpoint(this.config.endpoint);
    if (at === undefined) throw new Error(`${this.where}.endpoint: must be host:port, e.g. "0.0.0.0:8080"`);
    const tls = this.config.tls === undefined ? undefined : await readTlsMaterial(this.config.tls, this.where);
    await this.listener.start(at, this.config, tls);
    this.ctx.logger.info(
      { endpoint: `${this.address.host}:${this.address.port}`, path: this.config.path, tls: tls !== undefined },
      'receiving Kong http-log batches',
    );
  }

  async shutdown(): Promise<void> {
    this.handler.stopping = true;
    await this.listener.shutdown();
  }
}
