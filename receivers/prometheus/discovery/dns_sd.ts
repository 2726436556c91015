import { promises as dns } from 'node:dns';
import { type Clock, errorMessage, formatEndpoint, type Logger, systemClock, type Timer } from '../../../core/index.js';
import type { DnsSdConfig } from './dns_sd_config.js';
import { type DnsRecord, DnsLookupUnknown, lookupWithSearchList, readSearchList, type SearchList } from './dns_sd_lookup.js';
import { GroupPublisher } from './sd_publish.js';
import type { Discoverer, TargetGroup } from './target_group.js';

/**
 * `dns_sd_configs` at work, as Prometheus' discovery/dns/dns.go (d15adb9a): every `refresh_interval`
 * each name is asked again; one group per name (source = the name), one target per record:
 * `__address__` is ip:port for A/AAAA (IPv6 in brackets), target:port for SRV (its own port) and for
 * MX/NS (the configured port); `__meta_dns_name` is the configured name, `__meta_dns_srv_record_target`
 * / `_port`, `__meta_dns_mx_record_target`, `__meta_dns_ns_record_target` the record's. Prometheus sets
 * the labels of other types to "" — the same as absent there — so they are left out here.
 * A lookup that fails keeps the name's last good group (logged once, until it answers again).
 */

export interface DnsSdOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Where the search list and ndots come from; tests give their own file. */
  readonly resolvConf?: string;
}

/** Per server try (miekg/dns' client default, which Prometheus uses); 2 tries. */
const QUERY_TIMEOUT_MS = 2_000;

export class DnsSdDiscoverer implements Discoverer {
  private readonly resolver: dns.Resolver;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly searchList: SearchList;
  private readonly groups = new Map<string, TargetGroup>();
  private readonly failing = new Set<string>();
  private publisher: GroupPublisher | undefined;
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: DnsSdConfig,
    options: DnsSdOptions,
  ) {
    this.resolver = new dns.Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 2 });
    if (config.nameservers !== undefined) this.resolver.setServers([...config.nameservers]);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ discovery: 'dns', names: config.names });
    this.searchList = readSearchList(options.resolvConf ?? '/etc/resolv.conf');
  }

  async start(update: (groups: readonly TargetGroup[]) => void): Promise<void> {
    this.publisher = new GroupPublisher(update);
    await this.refresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.resolver.cancel();
    await this.running;
  }

  private refresh(): Promise<void> {
    const run = this.refreshAll().finally(() => {
      this.running = undefined;
      if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.refresh(), this.config.refresh_interval);
    });
    this.running = run;
    return run;
  }

  private async refreshAll(): Promise<void> {
    await Promise.all(this.config.names.map((name) => this.refreshOne(name)));
    if (this.stopped) return;
    const groups = this.config.names.flatMap((name) => {
      const g = this.groups.get(name);
      return g === undefined ? [] : [g];
    });
    this.publisher?.publish(groups);
  }

  private async refreshOne(name: string): Promise<void> {
    try {
      const records = await lookupWithSearchList(this.resolver, name, this.config.type, this.searchList);
      this.groups.set(name, { source: name, targets: records.flatMap((r) => this.target(name, r)), labels: {} });
      if (this.failing.delete(name)) this.logger.info({ name }, 'dns_sd: the name resolves again');
    } catch (err) {
      if (this.stopped) return;
      if (this.failing.has(name)) return;
      this.failing.add(name);
      const reason = err instanceof DnsLookupUnknown ? err.message : errorMessage(err);
      this.logger.warn({ name, type: this.config.type, reason }, 'dns_sd: lookup failed; keeping the last targets found until the name resolves again');
    }
  }

  private target(name: string, r: DnsRecord): Record<string, string>[] {
    switch (r.kind) {
      case 'address':
        return [{ __address__: formatEndpoint(r.address, this.config.port), __meta_dns_name: name }];
      case 'SRV':
        // RFC 2782: a target of "." means the service is not offered at this name; no target to scrape.
        if (r.target === '' || r.target === '.') return [];
        return [
          {
            __address__: formatEndpoint(r.target.replace(/\.$/, ''), r.port),
            __meta_dns_name: name,
            // Prometheus gives the record's target as the DNS wire writes it: fully qualified, final dot.
            __meta_dns_srv_record_target: rooted(r.target),
            __meta_dns_srv_record_port: String(r.port),
          },
        ];
      case 'MX':
        return [{ __address__: formatEndpoint(r.target.replace(/\.$/, ''), this.config.port), __meta_dns_name: name, __meta_dns_mx_record_target: rooted(r.target) }];
      case 'NS':
        return [{ __address__: formatEndpoint(r.target.replace(/\.$/, ''), this.config.port), __meta_dns_name: name, __meta_dns_ns_record_target: rooted(r.target) }];
    }
  }
}

function rooted(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

