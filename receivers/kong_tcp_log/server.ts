import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { HostPort } from '../../core/index.js';
import type { KongTcpLogConfig } from './config.js';

type TlsConfig = NonNullable<KongTcpLogConfig['tls']>;

async function readPem(file: string, key: string, where: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`${where}.tls.${key}: cannot read "${file}" (${code}); point it at a readable PEM file`);
  }
}

/**
 * A TCP server, TLS when `tls` is given (Kong's tcp-log `tls: true`; Kong does not verify our certificate).
 * `onSocket` gets plain sockets, or TLS sockets once their handshake succeeded.
 */
export async function createServer(config: KongTcpLogConfig, where: string, onSocket: (socket: net.Socket) => void): Promise<net.Server> {
  if (config.tls === undefined) return net.createServer(onSocket);
  const t: TlsConfig = config.tls;
  const [cert, key, ca] = await Promise.all([
    readPem(t.cert_file, 'cert_file', where),
    readPem(t.key_file, 'key_file', where),
    t.client_ca_file === undefined ? undefined : readPem(t.client_ca_file, 'client_ca_file', where),
  ]);
  try {
    return tls.createServer({ cert, key, ca, requestCert: ca !== undefined, rejectUnauthorized: ca !== undefined }, onSocket);
  } catch (err) {
    throw new Error(`${where}.tls: cannot use cert_file/key_file (${(err as Error).message}); check they are a matching PEM certificate and key`);
  }
}

/** Starts listening; a refused address becomes an error that names the endpoint and the fix. */
export function listen(server: net.Server, at: HostPort, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      const fix =
        err.code === 'EADDRINUSE'
          ? 'the port is in use; choose another `endpoint` or stop the other process'
          : err.code === 'EACCES'
            ? 'permission denied; use a port above 1023'
            : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
              ? 'no such local address; use 0.0.0.0, localhost or an address of this host'
              : err.message;
      reject(new Error(`${where}.endpoint: cannot listen on ${at.host}:${at.port}: ${fix}`));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(at.port, at.host);
  });
}
