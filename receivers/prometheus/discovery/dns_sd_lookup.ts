import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import type { DnsRecordType } from './dns_sd_config.js';

/**
 * One name's records, asked the way Prometheus asks (prometheus/prometheus discovery/dns/dns.go at
 * d15adb9a, `lookupWithSearchPath`): each permutation of the name with resolv.conf's search list in
 * turn; the first that the DNS knows (records, or none of this type) is the answer; every permutation
 * unknown (NXDOMAIN) is a pseudo-authoritative "no targets"; anything else (timeout, SERVFAIL, refused)
 * leaves the answer unknown, so the caller keeps what it had. Hand-written because node's resolver
 * (c-ares `ares_query`) applies no search list, and in Kubernetes short names need one (ndots:5).
 */

/** One answer record as Prometheus reads it. */
export type DnsRecord =
  | { readonly kind: 'address'; readonly address: string }
  | { readonly kind: 'SRV'; readonly target: string; readonly port: number }
  | { readonly kind: 'MX' | 'NS'; readonly target: string };

/** The lookup could not tell whether the name has records; `code` is c-ares' (ETIMEOUT, ESERVFAIL...). */
export class DnsLookupUnknown extends Error {
  constructor(
    readonly dnsName: string,
    readonly code: string,
  ) {
    super(`could not resolve "${dnsName}": every server answered with an error (${code}) for at least one search domain`);
  }
}

export interface SearchList {
  readonly search: readonly string[];
  readonly ndots: number;
}

/** resolv.conf's `search`/`domain` and `options ndots:` (glibc's defaults when unset: none, 1). */
export function readSearchList(path: string): SearchList {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { search: [], ndots: 1 };
  }
  let search: string[] = [];
  let ndots = 1;
  for (const line of text.split('\n')) {
    const [key, ...values] = line.trim().split(/\s+/);
    if (key === 'search' || key === 'domain') search = values;
    if (key === 'options') {
      for (const v of values) {
        const m = /^ndots:(\d+)$/.exec(v);
        if (m) ndots = Math.min(Number(m[1]), 15);
      }
    }
  }
  return { search, ndots };
}

/** miekg/dns `ClientConfig.NameList`: the names to try, in order. */
export function nameList(name: string, list: SearchList): string[] {
  if (name.endsWith('.')) return [name];
  const withSearch = list.search.map((domain) => `${name}.${domain.replace(/\.$/, '')}`);
  const dots = name.split('.').length - 1;
  return dots >= list.ndots ? [name, ...withSearch] : [...withSearch, name];
}

/** c-ares' codes for "the name exists, no record of this type" and "no such name". */
const NO_DATA = 'ENODATA';
const NO_SUCH_NAME = 'ENOTFOUND';

async function ask(resolver: dns.Resolver, name: string, type: DnsRecordType): Promise<DnsRecord[]> {
  switch (type) {
    case 'A':
      return (await resolver.resolve4(name)).map((address) => ({ kind: 'address', address }));
    case 'AAAA':
      return (await resolver.resolve6(name)).map((address) => ({ kind: 'address', address }));
    case 'SRV':
      return (await resolver.resolveSrv(name)).map((r) => ({ kind: 'SRV', target: r.name, port: r.port }));
    case 'MX':
      return (await resolver.resolveMx(name)).map((r) => ({ kind: 'MX', target: r.exchange }));
    case 'NS':
      return (await resolver.resolveNs(name)).map((target) => ({ kind: 'NS', target }));
  }
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EUNKNOWN';
}

/** The records of `name`, [] when the DNS says there are none; throws DnsLookupUnknown otherwise. */
export async function lookupWithSearchList(resolver: dns.Resolver, name: string, type: DnsRecordType, list: SearchList): Promise<DnsRecord[]> {
  let unknownCode: string | undefined;
  for (const candidate of nameList(name, list)) {
    try {
      return await ask(resolver, candidate.replace(/\.$/, ''), type);
    } catch (err) {
      const code = codeOf(err);
      if (code === NO_DATA) return [];
      if (code !== NO_SUCH_NAME) unknownCode ??= code;
    }
  }
  if (unknownCode !== undefined) throw new DnsLookupUnknown(name, unknownCode);
  return [];
}
