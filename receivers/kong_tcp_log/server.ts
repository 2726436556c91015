import net from 'node:net';
import tls from 'node:tls';
import { readTlsMaterial, tlsServerOptions } from '../../core/index.js';
import type { KongTcpLogConfig } from './config.js';

/** Node's default TLS handshake timeout: the bound for a connection that never says hello, without idle_timeout. */
const HANDSHAKE_TIMEOUT_MS = 120_000;

/**
 * A TCP server, TLS when `tls` is given (Kong's tcp-log `tls: true`; Kong does not verify our certificate).
 * `onSocket` gets plain sockets, or TLS sockets once their handshake succeeded. A connection that sends
 * nothing is closed after `idle_timeout` either way: before the handshake by its timeout, after it by the
 * connection's idle timer.
 */
export async function createServer(config: KongTcpLogConfig, where: string, onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  if (config.tls === undefined) return net.createServer(onSocket);
  const material = await readTlsMaterial(config.tls, where);
  try {
    const handshakeTimeout = config.idle_timeout > 0 ? Math.min(config.idle_timeout, HANDSHAKE_TIMEOUT_MS) : HANDSHAKE_TIMEOUT_MS;
    return tls.createServer({ ...tlsServerOptions(material), handshakeTimeout }, onSocket);
  } catch (err) {
    throw new Error(`${where}.tls: cannot use cert_file/key_file (${(err as Error).message}); check they are a matching PEM certificate and key`);
  }
}
