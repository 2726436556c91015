import dgram from 'node:dgram';
import { isIP } from 'node:net';
import {
  describeRejected,
  errorMessage,
  logBatch,
  parseEndpoint,
  refusedReasonOf,
  type ComponentContext,
  type Consumer,
  type Host,
  type HostPort,
  type KongLogEntry,
  type Receiver,
  type RefusedReason,
  listenError,
} from '../../core/index.js';
import type { KongUdpLogConfig } from './config.js';
import { decodeDatagram, type RejectedDatagram } from './datagram_decoder.js';
import { ReceiverTelemetry } from './telemetry.js';

/**
 * Entries held while a batch is in the pipeline. UDP cannot slow the sender down, so past this many
 * the receiver drops instead of growing without bound (10 000 entries are 10–30 MB).
 */
export const MAX_HELD_ENTRIES = 10_000;

/**
 * Receives Kong udp-log datagrams. Datagrams that arrive in the same turn of the event loop become one
 * batch (flushed on `setImmediate`), and one batch at a time is in the pipeline: what arrives meanwhile
 * is held and goes next, so a slow pipeline gets fewer, larger batches rather than many concurrent ones.
 */
export class KongUdpLogReceiver implements Receiver {
  private socket: dgram.Socket | undefined;
  private readonly telemetry: ReceiverTelemetry;
  private readonly where: string;
  private held: KongLogEntry[] = [];
  private rejected: RejectedDatagram[] = [];
  private flushScheduled = false;
  private delivering = false;
  private failing = false;
  private drained: (() => void) | undefined;

  constructor(
    private readonly config: KongUdpLogConfig,
    private readonly ctx: ComponentContext,
    private readonly next: Consumer,
  ) {
    this.where = `receivers.${ctx.id}`;
    this.telemetry = new ReceiverTelemetry(ctx.telemetry, ctx.id);
  }

  /** The bound address, e.g. the port picked when `endpoint` says port 0. */
  get address(): HostPort {
    const socket = this.socket;
    if (socket === undefined) throw new Error(`${this.where}: not listening; call start() first`);
    const bound = socket.address();
    return { host: bound.address, port: bound.port };
  }

  async start(_host: Host): Promise<void> {
    const at = parseEndpoint(this.config.endpoint);
    if (at === undefined) throw new Error(`${this.where}.endpoint: must be host:port, e.g. "0.0.0.0:9001"`);
    const socket = dgram.createSocket({
      type: isIP(at.host) === 6 ? 'udp6' : 'udp4',
      recvBufferSize: this.config.receive_buffer_size,
    });
    await bind(socket, at, this.where);
    socket.on('error', (err: Error) => this.ctx.logger.error({ error: errorMessage(err) }, 'udp-log socket error'));
    socket.on('message', this.onMessage);
    this.socket = socket;
    this.checkReceiveBuffer(socket);
    this.ctx.logger.info({ endpoint: `${this.address.host}:${this.address.port}` }, 'receiving Kong udp-log entries');
  }

  async shutdown(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return;
    this.socket = undefined;
    socket.off('message', this.onMessage);
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    // What was received is delivered: the scheduled flush runs, and a batch in the pipeline settles.
    if (this.flushScheduled || this.delivering) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  private readonly onMessage = (msg: Buffer, from: dgram.RemoteInfo): void => {
    let end = msg.length;
    while (end > 0 && (msg[end - 1] === 10 || msg[end - 1] === 13)) end--;
    if (end === 0) return;
    const before = this.held.length;
    decodeDatagram(msg.toString('utf8', 0, end), this.held.length + this.rejected.length, `${from.address}:${from.port}`, this.held, this.rejected);
    if (this.held.length > MAX_HELD_ENTRIES && this.held.length > before) {
      this.held.pop();
      this.refused('back_pressure', 1, 'held entries reached their limit while the pipeline was busy');
    }
    if (!this.flushScheduled && !this.delivering) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  };

  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.rejected.length > 0) this.reportRejected();
    const entries = this.held;
    if (entries.length === 0) {
      this.settle();
      return;
    }
    this.held = [];
    this.delivering = true;
    let pending: Promise<void>;
    try {
      pending = this.next.consume(logBatch(entries));
    } catch (err) {
      // A consumer that throws instead of rejecting must not become an uncaught exception.
      pending = Promise.reject(err);
    }
    pending.then(
      () => {
        this.telemetry.countAccepted(entries.length);
        if (this.failing) {
          this.failing = false;
          this.ctx.logger.info('the pipeline accepts Kong log entries again');
        }
        this.delivered();
      },
      (err: unknown) => {
        this.refused(refusedReasonOf(err), entries.length, errorMessage(err));
        this.delivered();
      },
    );
  };

  private delivered(): void {
    this.delivering = false;
    if (this.held.length > 0 || this.rejected.length > 0) this.flush();
    else this.settle();
  }

  private settle(): void {
    const drained = this.drained;
    if (drained !== undefined && !this.flushScheduled && !this.delivering) {
      this.drained = undefined;
      drained();
    }
  }

  /** UDP has no way to ask Kong to resend: refused entries are dropped, counted, and logged once per streak. */
  private refused(reason: RefusedReason, n: number, error: string): void {
    this.telemetry.countRefused(reason, n);
    if (this.failing) return;
    this.failing = true;
    this.ctx.logger.error(
      { reason, entries: n, error },
      'the pipeline refused Kong udp-log entries; UDP cannot push back, so they are dropped (logged once until it accepts entries again)',
    );
  }

  private reportRejected(): void {
    const rejected = this.rejected;
    this.rejected = [];
    const senders = new Set<string>();
    for (const r of rejected) {
      this.telemetry.countRejected(r.reason);
      if (senders.size < 10) senders.add(r.sender);
    }
    const { reasons } = describeRejected(rejected);
    this.ctx.logger.warn({ rejected: rejected.length, senders: [...senders], reasons }, 'dropped datagrams that are not Kong log entries');
  }

  /** Linux caps the buffer at net.core.rmem_max without an error; say so, since bursts are then lost. */
  private checkReceiveBuffer(socket: dgram.Socket): void {
    let actual: number;
    try {
      actual = socket.getRecvBufferSize();
    } catch {
      return;
    }
    if (actual < this.config.receive_buffer_size) {
      this.ctx.logger.warn(
        { requested: this.config.receive_buffer_size, actual },
        `${this.where}.receive_buffer_size: the OS granted less than requested; raise net.core.rmem_max (sysctl) to survive bursts`,
      );
    }
  }
}

function bind(socket: dgram.Socket, at: HostPort, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      socket.off('listening', onListening);
      socket.close();
      reject(listenError(err, at, where));
    };
    const onListening = (): void => {
      socket.off('error', onError);
      resolve();
    };
    socket.once('error', onError);
    socket.once('listening', onListening);
    socket.bind(at.port, at.host);
  });
}
