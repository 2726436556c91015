import { z } from 'zod';
import { duration } from '../config/units.js';

/**
 * The connection keys every listener shares, named as the Collector's confighttp ServerConfig names them
 * (`read_timeout`, `read_header_timeout`, `idle_timeout`); `max_connections` is kongtel's (the Collector
 * has no cap), named the same on every listener.
 */

/**
 * Node keeps a file descriptor and a few KiB per connection; 4096 fits the usual soft limit of a container
 * (1 048 576) many times over and is far above what Kong's workers open (a few per worker).
 */
export const DEFAULT_MAX_CONNECTIONS = 4096;

export const maxConnections = () =>
  z
    .number({ message: 'must be a whole number of connections, e.g. 4096' })
    .int('must be a whole number of connections, e.g. 4096')
    .min(1, 'must be at least 1; keep it below the process file-descriptor limit (ulimit -n)')
    .default(DEFAULT_MAX_CONNECTIONS);

export interface HttpServerDefaults {
  /** ms; 0 = no limit. */
  readonly read_timeout: number;
  readonly read_header_timeout: number;
  readonly idle_timeout: number;
}

/** The keys of an HTTP listener, with the component's own defaults; spread into its strictObject. */
export function httpServerKeys(defaults: HttpServerDefaults) {
  return {
    read_timeout: duration().default(defaults.read_timeout),
    read_header_timeout: duration()
      .refine((ms) => ms > 0, 'must be more than 0, e.g. "10s": a connection that sends nothing is closed after it')
      .default(defaults.read_header_timeout),
    idle_timeout: duration().default(defaults.idle_timeout),
    max_connections: maxConnections(),
  };
}

/** What createHttpServer needs of a listener's config. */
export interface HttpServerSettings {
  /** Longest time to receive a whole request, ms (0 = none). */
  readonly read_timeout: number;
  /** Longest time to receive the headers, ms; also how long a new connection may stay silent. */
  readonly read_header_timeout: number;
  /** How long an idle keep-alive connection stays open, ms. */
  readonly idle_timeout: number;
  readonly max_connections: number;
}

/** The cross-field rule of the keys above, for a component's superRefine. */
export function headerTimeoutIssue(c: HttpServerSettings): { path: string[]; message: string } | undefined {
  if (c.read_timeout > 0 && c.read_header_timeout > c.read_timeout) {
    return { path: ['read_header_timeout'], message: `must not exceed read_timeout (${c.read_timeout} ms): the headers are part of the request` };
  }
  return undefined;
}
