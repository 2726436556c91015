import { describe, expect, it } from 'vitest';
import { dnsSdConfigSchema } from '../../../../receivers/prometheus/discovery/dns_sd_config.js';
import { schemaIssues } from '../../../support/config_errors.js';

const base = 'receivers.prometheus.config.scrape_configs[0].dns_sd_configs[0]';

describe('dns_sd_configs schema', () => {
  it('Prometheus\' defaults: type SRV, refresh_interval 30s, no port', () => {
    expect(dnsSdConfigSchema.parse({ names: ['_status._tcp.kong.kong.svc.cluster.local'] })).toEqual({
      names: ['_status._tcp.kong.kong.svc.cluster.local'],
      type: 'SRV',
      port: 0,
      refresh_interval: 30_000,
    });
  });

  it('takes the type in any case, a duration, and nameservers with or without a port', () => {
    expect(dnsSdConfigSchema.parse({ names: ['kong'], type: 'a', port: 8100, refresh_interval: '5s', nameservers: ['10.96.0.10', '127.0.0.1:5353', '[::1]:53'] })).toEqual({
      names: ['kong'],
      type: 'A',
      port: 8100,
      refresh_interval: 5_000,
      nameservers: ['10.96.0.10', '127.0.0.1:5353', '[::1]:53'],
    });
  });

  it.each([
    ['no names', {}, ['names']],
    ['empty names', { names: [] }, ['names: list at least one DNS name']],
    ['A without a port', { names: ['kong'], type: 'A' }, ['port: is required for type A']],
    ['MX without a port', { names: ['kong'], type: 'MX' }, ['port: is required for type MX']],
    ['an unknown type', { names: ['kong'], type: 'TXT', port: 1 }, ['type: must be one of: "SRV", "A", "AAAA", "MX", "NS"']],
    ['a port out of range', { names: ['kong'], type: 'A', port: 70000 }, ['port: must be at most 65535']],
    ['a zero interval', { names: ['kong'], refresh_interval: '0s' }, ['refresh_interval: must be more than 0']],
    ['a nameserver by name', { names: ['kong'], nameservers: ['kube-dns:53'] }, ['nameservers[0]: must be an IP address']],
    ['an unknown key', { names: ['kong'], server: '1.2.3.4' }, ['server']],
  ])('refuses %s, naming the key', (_, config, expected) => {
    const issues = schemaIssues(dnsSdConfigSchema, base, config);
    expect(issues).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(issues[i]).toContain(`${base}.${e}`));
  });
});
