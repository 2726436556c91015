import { describe, expect, it } from 'vitest';
import { kubernetesSdConfigSchema } from '../../../../receivers/prometheus/discovery/kubernetes_sd_config.js';
import { schemaIssues } from '../../../support/config_errors.js';

const base = 'receivers.prometheus.config.scrape_configs[0].kubernetes_sd_configs[0]';

describe('kubernetes_sd_configs schema', () => {
  it('in-cluster by default, every namespace, no selectors', () => {
    expect(kubernetesSdConfigSchema.parse({ role: 'pod' })).toEqual({ role: 'pod', namespaces: { names: [], own_namespace: false }, selectors: [] });
  });

  it('takes Prometheus\' keys as the Prometheus docs write them', () => {
    const config = {
      role: 'endpoints',
      api_server: 'https://10.0.0.1:6443',
      bearer_token_file: '/etc/kongtel/token',
      tls_config: { ca_file: '/etc/kongtel/ca.crt' },
      namespaces: { names: ['kong'] },
      selectors: [
        { role: 'endpoints', label: 'app.kubernetes.io/name=gateway' },
        { role: 'pod', field: 'status.phase=Running' },
      ],
    };
    expect(kubernetesSdConfigSchema.parse(config)).toEqual({
      ...config,
      tls_config: { ca_file: '/etc/kongtel/ca.crt', insecure_skip_verify: false },
      namespaces: { names: ['kong'], own_namespace: false },
    });
  });

  it.each([
    ['no role', {}, ['role: required']],
    ['role node', { role: 'node' }, ['role: kongtel discovers roles pod, endpoints and endpointslice only']],
    ['an unknown role', { role: 'pods' }, ['role: unknown Kubernetes SD role "pods"']],
    ['a token file without api_server', { role: 'pod', bearer_token_file: '/t' }, ['bearer_token_file: to use a custom HTTP client configuration please provide the api_server URL']],
    ['own_namespace with api_server', { role: 'pod', api_server: 'https://k:6443', namespaces: { own_namespace: true } }, ['namespaces.own_namespace: cannot be used with api_server']],
    ['a service selector for role pod', { role: 'pod', selectors: [{ role: 'service', label: 'a=b' }] }, ['selectors[0].role: pod role supports only pod selectors']],
    ['a duplicated selector role', { role: 'endpoints', selectors: [{ role: 'pod' }, { role: 'pod' }] }, ['selectors[1].role: duplicated selector role: pod']],
    ['an api_server with a path', { role: 'pod', api_server: 'https://k:6443/api' }, ['api_server: must be the API server\'s URL']],
    ['kubeconfig_file', { role: 'pod', kubeconfig_file: '/k' }, ['kubeconfig_file: kongtel reaches the API server in-cluster']],
    ['attach_metadata', { role: 'pod', attach_metadata: { node: true } }, ['attach_metadata: kongtel attaches no node']],
  ])('refuses %s, naming the key', (_, config, expected) => {
    const issues = schemaIssues(kubernetesSdConfigSchema, base, config);
    expect(issues).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(issues[i]).toContain(`${base}.${e}`));
  });
});
