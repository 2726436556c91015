import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubernetesSdDiscoverer } from '../../../../receivers/prometheus/discovery/kubernetes_sd.js';
import { kubernetesSdConfigSchema } from '../../../../receivers/prometheus/discovery/kubernetes_sd_config.js';
import { recordingLogger } from '../../../support/logs.js';
import { sleep, until } from '../../../support/wait.js';
import { addresses, KONG_POD, kongPod, kubernetesHarness, TOKEN } from './kubernetes_harness.js';

/**
 * kubernetes_sd_configs role pod against a stand-in API server (test/support/stand_ins/kubernetes_api.ts):
 * no Kubernetes API server runs here, so the list and watch answers are those the API reference
 * documents, serving objects written after its examples (test/testdata/kubernetes/). The stand-in
 * checks the bearer token and applies the selectors the discoverer sends.
 */

const { certs, dirs, startApi, tokenFile, discover, viaApiServer, stopDiscoverer } = kubernetesHarness();

describe('kubernetes_sd_configs role pod', () => {
  it('one target per container port (and one per portless container) with Prometheus\' pod labels', async () => {
    const a = await startApi();
    a.put('pods', KONG_POD);
    const d = await discover(viaApiServer(a, { role: 'pod' }));
    await until('the first update', () => d.updates.length === 1);
    const pod = 'kong-gateway-5d8f7c9b6-x2x7q';
    expect(d.latest()).toEqual([
      {
        source: `pod/kong/${pod}`,
        labels: {
          __meta_kubernetes_namespace: 'kong',
          __meta_kubernetes_pod_name: pod,
          __meta_kubernetes_pod_ip: '10.244.1.17',
          __meta_kubernetes_pod_ready: 'true',
          __meta_kubernetes_pod_phase: 'Running',
          __meta_kubernetes_pod_node_name: 'worker-1',
          __meta_kubernetes_pod_host_ip: '172.18.0.3',
          __meta_kubernetes_pod_uid: '3c0f3a9e-1c4b-4f59-9a57-2f0f7c1e5b11',
          __meta_kubernetes_pod_controller_kind: 'ReplicaSet',
          __meta_kubernetes_pod_controller_name: 'kong-gateway-5d8f7c9b6',
          __meta_kubernetes_pod_label_app_kubernetes_io_name: 'gateway',
          __meta_kubernetes_pod_labelpresent_app_kubernetes_io_name: 'true',
          __meta_kubernetes_pod_label_app_kubernetes_io_instance: 'kong',
          __meta_kubernetes_pod_labelpresent_app_kubernetes_io_instance: 'true',
          __meta_kubernetes_pod_label_pod_template_hash: '5d8f7c9b6',
          __meta_kubernetes_pod_labelpresent_pod_template_hash: 'true',
          __meta_kubernetes_pod_annotation_kuma_io_gateway: 'enabled',
          __meta_kubernetes_pod_annotationpresent_kuma_io_gateway: 'true',
          __meta_kubernetes_pod_annotation_prometheus_io_port: '8100',
          __meta_kubernetes_pod_annotationpresent_prometheus_io_port: 'true',
        },
        targets: [
          {
            __address__: '10.244.1.17:8000',
            __meta_kubernetes_pod_container_name: 'proxy',
            __meta_kubernetes_pod_container_id: 'containerd://bb22',
            __meta_kubernetes_pod_container_image: 'kong:3.9',
            __meta_kubernetes_pod_container_init: 'false',
            __meta_kubernetes_pod_container_port_name: 'proxy',
            __meta_kubernetes_pod_container_port_number: '8000',
            __meta_kubernetes_pod_container_port_protocol: 'TCP',
          },
          {
            __address__: '10.244.1.17:8100',
            __meta_kubernetes_pod_container_name: 'proxy',
            __meta_kubernetes_pod_container_id: 'containerd://bb22',
            __meta_kubernetes_pod_container_image: 'kong:3.9',
            __meta_kubernetes_pod_container_init: 'false',
            __meta_kubernetes_pod_container_port_name: 'status',
            __meta_kubernetes_pod_container_port_number: '8100',
            __meta_kubernetes_pod_container_port_protocol: 'TCP',
          },
          {
            __address__: '10.244.1.17',
            __meta_kubernetes_pod_container_name: 'clear-stale-pid',
            __meta_kubernetes_pod_container_id: 'containerd://aa11',
            __meta_kubernetes_pod_container_image: 'kong:3.9',
            __meta_kubernetes_pod_container_init: 'true',
          },
        ],
      },
    ]);
    // The token went as a bearer token on every call, the list first, then a watch from its version.
    await until('the watch', () => a.openWatches === 1);
    expect(a.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(a.requests.map((r) => [r.resource, r.namespace, r.watch])).toEqual([
      ['pods', undefined, false],
      ['pods', undefined, true],
    ]);
    expect(a.requests[1]?.query.get('resourceVersion')).toBe('101');
  });

  it('pods added, changed and deleted while running are the next update', async () => {
    const a = await startApi();
    a.put('pods', kongPod('kong-a', '10.0.0.1'));
    const d = await discover(viaApiServer(a, { role: 'pod', selectors: [{ role: 'pod', label: 'app.kubernetes.io/name=gateway' }] }));
    await until('the list', () => d.updates.length === 1);
    await until('the watch', () => a.openWatches === 1);

    a.put('pods', kongPod('kong-b', '10.0.0.2'));
    await until('pod b', () => d.latest().length === 2);
    expect(addresses(d.latest())).toEqual(['10.0.0.1', '10.0.0.1:8000', '10.0.0.1:8100', '10.0.0.2', '10.0.0.2:8000', '10.0.0.2:8100']);

    a.put('pods', kongPod('kong-b', '10.0.0.2', { ready: 'False' }));
    await until('pod b not ready', () => d.latest()[1]?.labels.__meta_kubernetes_pod_ready === 'false');

    a.remove('pods', 'kong', 'kong-a');
    await until('pod a gone', () => d.latest().length === 1);
    expect(d.latest()[0]?.source).toBe('pod/kong/kong-b');

    // Not selected by the label selector: never a target.
    a.put('pods', kongPod('redis-0', '10.0.0.9', { labels: { 'app.kubernetes.io/name': 'redis' } }));
    await sleep(100);
    expect(d.latest().map((g) => g.source)).toEqual(['pod/kong/kong-b']);
    expect(a.requests.every((r) => r.query.get('labelSelector') === 'app.kubernetes.io/name=gateway')).toBe(true);
  });

  it('410 Gone on the watch: lists again and misses nothing changed meanwhile', async () => {
    const a = await startApi();
    a.put('pods', kongPod('kong-a', '10.0.0.1'));
    const d = await discover(viaApiServer(a, { role: 'pod' }));
    await until('the watch', () => a.openWatches === 1);
    a.expireWatches();
    a.put('pods', kongPod('kong-b', '10.0.0.2'));
    await until('pod b through the new list', () => d.latest().length === 2, 5_000);
    expect(a.requests.filter((r) => r.resource === 'pods' && !r.watch)).toHaveLength(2);
    expect(d.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('a watch the server ends is taken up again from the last version seen', async () => {
    const a = await startApi();
    const d = await discover(viaApiServer(a, { role: 'pod' }));
    await until('the watch', () => a.openWatches === 1);
    a.put('pods', kongPod('kong-a', '10.0.0.1'));
    await until('pod a', () => d.latest().length === 1);
    a.endWatches();
    await until('a new watch', () => a.openWatches === 1, 5_000);
    const watches = a.requests.filter((r) => r.watch);
    expect(watches.map((r) => r.query.get('resourceVersion'))).toEqual(['100', '101']);
    expect(a.requests.filter((r) => !r.watch)).toHaveLength(1);
  });

  it('an API server that fails: the last targets stay, one warning without the token, and it recovers', async () => {
    const a = await startApi();
    a.put('pods', kongPod('kong-a', '10.0.0.1'));
    const d = await discover(viaApiServer(a, { role: 'pod' }));
    await until('the watch', () => a.openWatches === 1);
    a.failNext(2, 500);
    a.expireWatches();
    await until('the warning', () => d.count('warn', 'kubernetes_sd: list/watch failed') === 1, 5_000);
    expect(addresses(d.latest())).toEqual(['10.0.0.1', '10.0.0.1:8000', '10.0.0.1:8100']);
    a.put('pods', kongPod('kong-b', '10.0.0.2'));
    await until('recovered', () => d.latest().length === 2, 10_000);
    expect(d.count('warn', 'kubernetes_sd: list/watch failed')).toBe(1);
    expect(d.count('info', 'kubernetes_sd: listing works again')).toBe(1);
    expect(JSON.stringify(d.lines)).not.toContain(TOKEN);
  });

  it('a watch line that is not JSON: the targets stay, one warning, and a new list and watch', async () => {
    const a = await startApi();
    a.put('pods', kongPod('kong-a', '10.0.0.1'));
    const d = await discover(viaApiServer(a, { role: 'pod' }));
    await until('the watch', () => a.openWatches === 1);
    a.writeRaw('{"type":"ADDED","object":{"metadata":{"name":\n');
    await until('the warning', () => d.count('warn', 'kubernetes_sd: list/watch failed') === 1);
    expect(addresses(d.latest())).toEqual(['10.0.0.1', '10.0.0.1:8000', '10.0.0.1:8100']);
    await until('a new watch', () => a.openWatches === 1, 5_000);
    a.put('pods', kongPod('kong-b', '10.0.0.2'));
    await until('pod b', () => d.latest().length === 2);
  });

  it('a wrong token: 401 is logged once, naming the fix, never the token', async () => {
    const a = await startApi();
    const d = await discover({ api_server: a.origin, bearer_token_file: tokenFile('wrong-token-1234'), tls_config: { ca_file: certs.server.cert }, role: 'pod' });
    await until('the warning', () => d.count('warn', 'kubernetes_sd') === 1);
    expect(JSON.stringify(d.lines)).toContain('answered 401');
    expect(JSON.stringify(d.lines)).toContain('check the token');
    expect(JSON.stringify(d.lines)).not.toContain('wrong-token-1234');
    expect(d.updates).toEqual([]);
  });

  it('in-cluster: KUBERNETES_SERVICE_HOST/PORT and the service account\'s token, CA and own namespace', async () => {
    const a = await startApi();
    const sa = dirs();
    writeFileSync(join(sa, 'token'), TOKEN);
    copyFileSync(certs.server.cert, join(sa, 'ca.crt'));
    writeFileSync(join(sa, 'namespace'), 'kong');
    a.put('pods', kongPod('kong-a', '10.0.0.1'));
    a.put('pods', { ...kongPod('other', '10.0.0.5'), metadata: { ...kongPod('other', '10.0.0.5').metadata, namespace: 'default' } });
    const d = await discover(
      { role: 'pod', namespaces: { names: ['monitoring'], own_namespace: true } },
      { env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(a.port) }, serviceAccountDir: sa },
    );
    await until('the first update', () => d.updates.length === 1);
    expect(d.latest().map((g) => g.source)).toEqual(['pod/kong/kong-a']);
    expect([...new Set(a.requests.map((r) => r.namespace))].sort()).toEqual(['kong', 'monitoring']);
  });

  it('in-cluster outside a cluster: refused at start-up, naming api_server', () => {
    expect(() => new KubernetesSdDiscoverer(kubernetesSdConfigSchema.parse({ role: 'pod' }), { logger: recordingLogger().logger, env: {} })).toThrow(/^api_server: not running in a Kubernetes pod/);
  });

  it('stop() closes the watches and asks nothing more', async () => {
    const a = await startApi();
    await discover(viaApiServer(a, { role: 'endpoints', namespaces: { names: ['kong'] } }));
    await until('three watches', () => a.openWatches === 3);
    await stopDiscoverer();
    await until('no watch open', () => a.openWatches === 0);
    const asked = a.requests.length;
    await sleep(300);
    expect(a.requests.length).toBe(asked);
  });
});

