import type { Server } from 'node:net';
import type { HostPort } from '../config/units.js';

/**
 * Starts listening; a refused address becomes an error that names the config key and the fix.
 * `where` is the component's key path (`receivers.kong_http_log`).
 */
export function listen(server: Server, at: HostPort, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(listenError(err, at, where));
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

/** Why a server or socket could not take its address, as an error naming the config key and the fix. */
export function listenError(err: NodeJS.ErrnoException, at: HostPort, where: string): Error {
  const fix =
    err.code === 'EADDRINUSE'
      ? 'the port is in use; choose another `endpoint` or stop the other process'
      : err.code === 'EACCES'
        ? 'permission denied; use a port above 1023'
        : err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND'
          ? 'no such local address; use 0.0.0.0, localhost or an address of this host'
          : err.message;
  return new Error(`${where}.endpoint: cannot listen on ${at.host}:${at.port}: ${fix}`);
}
