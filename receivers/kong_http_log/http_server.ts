import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { HostPort } from '../../core/index.js';
import type { KongHttpLogConfig } from './config.js';

type TlsConfig = NonNullable<KongHttpLogConfig['tls']>;

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | undefined;
}

async function readPem(file: string, key: string, where: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`${where}.tls.${key}: cannot read "${file}" (${code}); point it at a readable PEM file`);
  }
}

/** Reads the PEM files named in `tls`; `where` names the component in error messages. */
export async function readTlsMaterial(tls: TlsConfig, where: string): Promise<TlsMaterial> {
  const [cert, key, ca] = await Promise.all([
    readPem(tls.cert_file, 'cert_file', where),
    readPem(tls.key_file, 'key_file', where),
    tls.client_ca_file === undefined ? undefined : readPem(tls.client_ca_file, 'client_ca_file', where),
  ]);
  return { cert, key, ca };
}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/**
 * An HTTP/1.1 server (HTTPS when `tls` is given) whose timeouts stop slow or idle clients from holding
 * connections. HTTP keep-alive is node's default; TCP keep-alive also finds peers that vanished.
 */
export function createServer(
  config: KongHttpLogConfig,
  tls: TlsMaterial | undefined,
  listener: RequestListener,
): http.Server {
  const requestTimeout = Math.ceil(config.read_timeout);
  const headersTimeout = Math.ceil(config.read_header_timeout);
  const options: http.ServerOptions = {
    requestTimeout,
    headersTimeout,
    keepAlive: true,
    // Node enforces the two timeouts above only when it sweeps its connections; the default sweep
    // (every 30 s) would let a slow client stay far longer than configured.
    connectionsCheckingInterval: sweepInterval(requestTimeout, headersTimeout),
  };
  const server =
    tls === undefined
      ? http.createServer(options, listener)
      : https.createServer(
          {
            ...options,
            cert: tls.cert,
            key: tls.key,
            ca: tls.ca,
            requestCert: tls.ca !== undefined,
            rejectUnauthorized: tls.ca !== undefined,
          },
          listener,
        );
  server.keepAliveTimeout = Math.ceil(config.idle_timeout);
  return server;
}

function sweepInterval(...timeouts: number[]): number {
  const positive = timeouts.filter((t) => t > 0);
  if (positive.length === 0) return 30_000;
  return Math.min(1000, Math.max(10, Math.floor(Math.min(...positive) / 4)));
}

/** Starts listening; a refused address becomes an error that names the endpoint and the fix. */
export function listen(server: http.Server, at: HostPort, where: string): Promise<void> {
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
