import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { HostPort } from '../../core/index.js';
import type { OtlpHttpServerConfig } from './config.js';

/**
 * The HTTP(S) server of receivers/kong_http_log/http_server.ts with fixed timeouts (components do not
 * import each other; both should move to core/ as one shared HTTP server helper).
 */

type TlsConfig = NonNullable<OtlpHttpServerConfig['tls']>;

/** Longest time to receive a whole request: a 20 MiB body at 1 MB/s still fits. */
const REQUEST_TIMEOUT_MS = 60_000;
const HEADERS_TIMEOUT_MS = 10_000;
/** Above the 60 s keep-alive of Kong and of most OTLP clients, so the client closes an idle connection first. */
const IDLE_TIMEOUT_MS = 65_000;
/** Node enforces the two timeouts above only when it sweeps its connections (by default every 30 s). */
const SWEEP_INTERVAL_MS = 1_000;

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

/** Reads the PEM files named in `tls`; `where` is the key path of the http server's config. */
export async function readTlsMaterial(tls: TlsConfig, where: string): Promise<TlsMaterial> {
  const [cert, key, ca] = await Promise.all([
    readPem(tls.cert_file, 'cert_file', where),
    readPem(tls.key_file, 'key_file', where),
    tls.client_ca_file === undefined ? undefined : readPem(tls.client_ca_file, 'client_ca_file', where),
  ]);
  return { cert, key, ca };
}

type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** An HTTP/1.1 server (HTTPS when `tls` is given) whose timeouts stop slow or idle clients holding connections. */
export function createServer(tls: TlsMaterial | undefined, listener: RequestListener): http.Server {
  const options: http.ServerOptions = {
    requestTimeout: REQUEST_TIMEOUT_MS,
    headersTimeout: HEADERS_TIMEOUT_MS,
    keepAlive: true,
    connectionsCheckingInterval: SWEEP_INTERVAL_MS,
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
  server.keepAliveTimeout = IDLE_TIMEOUT_MS;
  return server;
}

/** Starts listening; a refused address becomes an error that names the endpoint key and the fix. */
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
