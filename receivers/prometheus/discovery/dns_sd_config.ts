import { isIP } from 'node:net';
import { z } from 'zod';
import { duration, parseEndpoint } from '../../../core/index.js';

/**
 * One `dns_sd_configs` entry, with Prometheus' keys and defaults (prometheus/prometheus
 * discovery/dns/dns.go at d15adb9a: `DefaultSDConfig` is type SRV, refresh_interval 30s; a port is
 * required for every type but SRV). `nameservers` is kongtel's own key, see below.
 */

/** Prometheus' `DefaultSDConfig.RefreshInterval`. */
export const DEFAULT_DNS_REFRESH_INTERVAL_MS = 30_000;

const RECORD_TYPES = ['SRV', 'A', 'AAAA', 'MX', 'NS'] as const;

export type DnsRecordType = (typeof RECORD_TYPES)[number];

const nameserver = z.string().superRefine((v, ctx) => {
  if (isIP(v) !== 0) return; // a bare address: port 53
  const hp = parseEndpoint(v);
  if (hp === undefined || v.startsWith(':') || isIP(hp.host) === 0 || hp.port === 0) {
    ctx.addIssue({ code: 'custom', message: 'must be an IP address with an optional port, e.g. "10.96.0.10" or "127.0.0.1:5353" (a name cannot resolve the resolver)' });
  }
});

const input = z.strictObject({
  names: z
    .array(z.string().min(1, 'must not be empty'), { message: 'must be a list of DNS names, e.g. ["kong-metrics.kong.svc.cluster.local"]' })
    .min(1, 'list at least one DNS name to query, e.g. names: ["kong-metrics.kong.svc.cluster.local"]'),
  // Prometheus accepts the type in any case (strings.ToUpper).
  type: z
    .string({ message: 'must be one of SRV (the default), A, AAAA, MX or NS' })
    .transform((t) => t.toUpperCase())
    .pipe(z.enum(RECORD_TYPES, { message: 'must be one of SRV (the default), A, AAAA, MX or NS' }))
    .default('SRV'),
  /** Ignored for SRV records, which carry their own port. */
  port: z.number().int('must be a whole number').min(0).max(65535, 'must be at most 65535').default(0),
  refresh_interval: duration()
    .refine((ms) => ms >= 1, 'must be more than 0, e.g. "30s"')
    .default(DEFAULT_DNS_REFRESH_INTERVAL_MS),
  /**
   * kongtel's own key (Prometheus reads /etc/resolv.conf only): the DNS servers to ask instead of the
   * system's, as "ip" or "ip:port". A test points it at its own DNS server; a user can point it at the
   * cluster DNS when the pod's resolv.conf is not the one to use.
   */
  nameservers: z.array(nameserver).min(1, 'list at least one "ip:port", or remove nameservers to use /etc/resolv.conf').optional(),
});

export const dnsSdConfigSchema = input.superRefine((c, ctx) => {
  if (c.type !== 'SRV' && c.port === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['port'],
      message: `is required for type ${c.type} (only SRV records carry a port): set the port Kong's Status API listens on, e.g. port: 8100`,
    });
  }
});

/** Durations in milliseconds. */
export type DnsSdConfig = z.output<typeof dnsSdConfigSchema>;
