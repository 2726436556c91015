import type net from 'node:net';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { SelfMetric, type CounterHandle, type SelfTelemetry } from '../telemetry.js';

/**
 * Why a listener closed a connection (label `reason` of kongtel_listener_closed_connections_total):
 * `request_timeout`: no whole request headers within read_header_timeout (a connection that sends nothing
 * included) or no whole request within read_timeout, answered 408; `tls_handshake_timeout`: no TLS
 * handshake within read_header_timeout (idle_timeout for tcp-log); `linger_time`, `linger_bytes`: a
 * client still sending after an early answer, cut (core/net/lingering_close.ts).
 */
export type ClosedReason = 'request_timeout' | 'tls_handshake_timeout' | 'linger_time' | 'linger_bytes';

export interface ConnectionGuardOptions {
  /** The listener's config key path (`receivers.kong_http_log`): label `listener` and log field. */
  readonly where: string;
  readonly maxConnections: number;
  readonly telemetry: SelfTelemetry;
  readonly logger: Logger;
  readonly clock: Clock;
}

/**
 * Connection hygiene for one listening server, the same for every listener: a cap on open connections
 * (Node's `server.maxConnections`: a connection over it is closed as soon as it is accepted), counted and
 * logged once per episode, the open count as a gauge, and the connections closed on a timeout or bound
 * counted by reason. Without a cap, idle connections piled up until the process ran out of file
 * descriptors, and then health checks and Kong's POSTs failed too.
 *
 * The timeouts themselves are Node's: since Node 18 an HTTP connection is timed by headersTimeout from
 * the moment it connects, not from its first byte (node src/node_http_parser.cc, Parser::Initialize:
 * "protects from a DoS attack where an attacker establishes the connection without sending any data"),
 * and a TLS one by handshakeTimeout until its handshake is done; createHttpServer sets both.
 */
export class ConnectionGuard {
  private readonly sockets = new Set<net.Socket>();
  /** Refusals in the current episode; undefined while under the cap. */
  private refusing: number | undefined;
  private readonly refused: CounterHandle;
  private readonly closedBy = new Map<ClosedReason, CounterHandle>();

  constructor(
    server: net.Server,
    private readonly o: ConnectionGuardOptions,
  ) {
    server.maxConnections = o.maxConnections;
    server.on('connection', this.onConnection);
    server.on('drop', this.onDrop);
    // TLS servers only: a connection that never completes its handshake is closed after handshakeTimeout.
    // https destroys it itself; a plain tls.Server only reports it, and the socket would stay open.
    server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
      if (err.code !== 'ERR_TLS_HANDSHAKE_TIMEOUT') return;
      this.countClosed('tls_handshake_timeout');
      socket.destroy();
    });
    const listener = { listener: o.where };
    o.telemetry.observableGauge(SelfMetric.listenerOpenConnections, 'Connections open on the listener.', listener, () => this.sockets.size);
    this.refused = o.telemetry.counter(
      SelfMetric.listenerRefusedConnections,
      'Connections closed as soon as they were accepted, because max_connections were open.',
      { ...listener, reason: 'max_connections' },
    );
  }

  /** Counts a connection the listener closed on a bound. */
  countClosed(reason: ClosedReason): void {
    let handle = this.closedBy.get(reason);
    if (handle === undefined) {
      handle = this.o.telemetry.counter(SelfMetric.listenerClosedConnections, 'Connections the listener closed on a timeout or a bound.', {
        listener: this.o.where,
        reason,
      });
      this.closedBy.set(reason, handle);
    }
    handle.add();
  }

  /** Shutdown, after the component let its work finish: whatever is still connected (mid-handshake, idle) goes. */
  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private readonly onConnection = (socket: net.Socket): void => {
    this.sockets.add(socket);
    socket.once('close', () => this.onClose(socket));
  };

  private onClose(socket: net.Socket): void {
    this.sockets.delete(socket);
    const open = this.sockets.size;
    // Some room before the episode ends, so a listener held at its cap logs once, not on every close.
    if (this.refusing !== undefined && open <= this.o.maxConnections * 0.9) {
      this.o.logger.info(
        { listener: this.o.where, refused: this.refusing, open },
        `${this.o.where}: accepting connections again (refused ${this.refusing} while at max_connections)`,
      );
      this.refusing = undefined;
    }
  }

  private readonly onDrop = (): void => {
    this.refused.add();
    if (this.refusing !== undefined) {
      this.refusing++;
      return;
    }
    this.refusing = 1;
    this.o.logger.warn(
      { listener: this.o.where, max_connections: this.o.maxConnections },
      `${this.o.where}: ${this.o.maxConnections} connections are open (max_connections): closing new ones until some close; ` +
        'raise max_connections if the clients are legitimate (logged once until connections fall below 90% of the limit)',
    );
  };
}
