import net from 'node:net';
import tls from 'node:tls';
import { readTlsMaterial, tlsServerOptions } from '../../core/index.js';
import type { KongTcpLogConfig } from './config.js';

/**
 * A TCP server, TLS when `tls` is given (Kong's tcp-log `tls: true`; Kong does not verify our certificate).
 * `onSocket` gets plain sockets, or TLS sockets once their handshake succeeded.
 */
export async function createServer(config: KongTcpLogConfig, where: string, onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  if (config.tls === undefined) return net.createServer(onSocket);
  const material = await readTlsMaterial(config.tls, where);
  try {
    return tls.createServer(tlsServerOptions(material), onSocket);
  } catch (err) {
    throw new Error(`${where}.tls: cannot use cert_file/key_file (${(err as Error).message}); check they are a matching PEM certificate and key`);
  }
}
