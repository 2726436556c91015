import { z } from 'zod';

/**
 * Durations and sizes as the OTel Collector writes them. A duration is a Go-style string (`200ms`, `10s`,
 * `1m30s`, `25h`) or a number of milliseconds; a size is an integer of bytes or a string with a unit
 * (`20MiB`, `512KB`). Both parse to plain numbers (milliseconds, bytes) so components never re-parse.
 */

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;

export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < s.length) {
    const at = DURATION_PART.lastIndex;
    const m = DURATION_PART.exec(s);
    if (!m || m.index !== at) return undefined;
    total += Number(m[1]) * DURATION_UNITS[m[2]];
  }
  return total;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
};

export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2].toLowerCase();
  const mult = unit === '' ? 1 : SIZE_UNITS[unit];
  if (mult === undefined) return undefined;
  return Math.round(Number(m[1]) * mult);
}

/** Go's `time.Duration` is int64 nanoseconds, so the Collector refuses anything longer (~292 years). */
export const MAX_DURATION_MS = 9_223_372_036_854.775;

/** A duration in milliseconds: `10s`, `200ms`, `25h`, or a number of milliseconds. */
export const duration = () =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : parseDuration(v);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid duration ${JSON.stringify(v)} (write it as the Collector does: "200ms", "10s", "5m", "25h")`,
      });
      return z.NEVER;
    }
    if (ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: `invalid duration ${JSON.stringify(v)}: longer than a duration can be (at most 2562047h, about 292 years)` });
      return z.NEVER;
    }
    return ms;
  });

/** A size in bytes: an integer, or a string like `20MiB`, `512KB`. */
export const byteSize = () =>
  z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : parseSize(v);
    if (n === undefined || !Number.isFinite(n) || n < 0 || (n <= Number.MAX_SAFE_INTEGER && !Number.isInteger(n))) {
      ctx.addIssue({
        code: 'custom',
        message: `invalid size ${JSON.stringify(v)} (an integer of bytes, or a string such as "20MiB" or "512KB")`,
      });
      return z.NEVER;
    }
    // Past 2^53 a number no longer counts bytes exactly (and no limit needs it).
    if (n > Number.MAX_SAFE_INTEGER) {
      ctx.addIssue({ code: 'custom', message: `invalid size ${JSON.stringify(v)}: more bytes than kongtel can count (at most ${Number.MAX_SAFE_INTEGER})` });
      return z.NEVER;
    }
    return n;
  });

/** `host:port` (host may be empty, a name, an IPv4 address or a bracketed IPv6 address). */
export const endpoint = () =>
  z.string().refine((v) => parseEndpoint(v) !== undefined, {
    message: 'must be host:port, e.g. "0.0.0.0:8080" or "localhost:9464"',
  });

export interface HostPort {
  host: string;
  port: number;
}

/** `parseEndpoint`'s inverse: an IPv6 address gets its brackets (`[::1]:8100`), as Go's net.JoinHostPort. */
export function formatEndpoint(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function parseEndpoint(v: string): HostPort | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]*):(\d{1,5})$/.exec(v.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  return { host: host === '' ? '0.0.0.0' : host, port };
}
