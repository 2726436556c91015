import { expect, describe, it } from 'vitest';
import { until } from '../../../support/wait.js';
import { fixture, KONG_POD, kubernetesHarness } from './kubernetes_harness.js';

/**
 * kubernetes_sd_configs role endpoints against the stand-in API server (no API server runs here; its
 * answers and objects follow the Kubernetes API reference, see kubernetes_sd.test.ts).
 */

const { startApi, discover, viaApiServer } = kubernetesHarness();

describe('kubernetes_sd_configs role endpoints', () => {
  it('one target per address and port, with the Service\'s, the Endpoints\' and the pod\'s labels', async () => {
    const a = await startApi();
    a.put('pods', KONG_POD);
    a.put('services', fixture('service_kong_status.json'));
    a.put('endpoints', fixture('endpoints_kong_status.json'));
    const d = await discover(
      viaApiServer(a, {
        role: 'endpoints',
        namespaces: { names: ['kong'] },
        selectors: [
          { role: 'endpoints', label: 'app.kubernetes.io/name=gateway' },
          { role: 'pod', field: 'status.phase=Running' },
        ],
      }),
    );
    await until('the first update', () => d.updates.length === 1);
    const [group] = d.latest();
    expect(group?.source).toBe('endpoints/kong/kong-status');
    expect(group?.labels).toEqual({
      __meta_kubernetes_namespace: 'kong',
      __meta_kubernetes_service_name: 'kong-status',
      __meta_kubernetes_service_label_app_kubernetes_io_name: 'gateway',
      __meta_kubernetes_service_labelpresent_app_kubernetes_io_name: 'true',
      __meta_kubernetes_service_label_app_kubernetes_io_instance: 'kong',
      __meta_kubernetes_service_labelpresent_app_kubernetes_io_instance: 'true',
      __meta_kubernetes_service_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_service_annotationpresent_prometheus_io_scrape: 'true',
      __meta_kubernetes_endpoints_name: 'kong-status',
      __meta_kubernetes_endpoints_label_app_kubernetes_io_name: 'gateway',
      __meta_kubernetes_endpoints_labelpresent_app_kubernetes_io_name: 'true',
      // An empty label value is no label in Prometheus; the "present" twin stays.
      __meta_kubernetes_endpoints_labelpresent_service_kubernetes_io_headless: 'true',
    });
    const targets = group?.targets ?? [];
    expect(targets.map((t) => [t.__address__, t.__meta_kubernetes_endpoint_ready, t.__meta_kubernetes_pod_container_port_name])).toEqual([
      ['10.244.1.17:8100', 'true', 'status'],
      // The starting pod is not in the pod watch (its fixture is not served): no pod labels.
      ['10.244.2.9:8100', 'false', undefined],
      // The pod's proxy port, which no endpoint port covers.
      ['10.244.1.17:8000', undefined, 'proxy'],
    ]);
    expect(targets[0]).toMatchObject({
      __meta_kubernetes_endpoint_port_name: 'status',
      __meta_kubernetes_endpoint_port_protocol: 'TCP',
      __meta_kubernetes_endpoint_address_target_kind: 'Pod',
      __meta_kubernetes_endpoint_address_target_name: 'kong-gateway-5d8f7c9b6-x2x7q',
      __meta_kubernetes_endpoint_node_name: 'worker-1',
      __meta_kubernetes_pod_name: 'kong-gateway-5d8f7c9b6-x2x7q',
      __meta_kubernetes_pod_ready: 'true',
      __meta_kubernetes_pod_container_name: 'proxy',
      __meta_kubernetes_pod_container_port_number: '8100',
      __meta_kubernetes_pod_container_init: 'false',
    });
    const sent = (resource: string, key: string) => a.requests.filter((r) => r.resource === resource).map((r) => r.query.get(key));
    expect(new Set(sent('endpoints', 'labelSelector'))).toEqual(new Set(['app.kubernetes.io/name=gateway']));
    expect(new Set(sent('pods', 'fieldSelector'))).toEqual(new Set(['status.phase=Running']));
    expect(new Set(sent('services', 'labelSelector'))).toEqual(new Set([null]));
  });

  it('a pod\'s change reaches the Endpoints\' targets that point at it', async () => {
    const a = await startApi();
    a.put('pods', KONG_POD);
    a.put('endpoints', fixture('endpoints_kong_status.json'));
    const d = await discover(viaApiServer(a, { role: 'endpoints' }));
    await until('the first update', () => d.updates.length === 1);
    await until('three watches', () => a.openWatches === 3);
    a.put('pods', { ...KONG_POD, metadata: { ...KONG_POD.metadata, labels: { ...KONG_POD.metadata.labels, version: '3.9.1' } } });
    await until('the new pod label', () => d.latest()[0]?.targets[0]?.__meta_kubernetes_pod_label_version === '3.9.1');
    a.remove('endpoints', 'kong', 'kong-status');
    await until('the group gone', () => d.latest().length === 0);
  });
});

describe('kubernetes_sd_configs role endpointslice', () => {
  it('one target per endpoint address and port, with the slice\'s conditions and the Service named by its label', async () => {
    const a = await startApi();
    a.put('pods', KONG_POD);
    a.put('services', fixture('service_kong_status.json'));
    a.put('endpointslices', fixture('endpointslice_kong_status.json'));
    const d = await discover(viaApiServer(a, { role: 'endpointslice', namespaces: { names: ['kong'] }, selectors: [{ role: 'endpointslice', label: 'kubernetes.io/service-name=kong-status' }] }));
    await until('the first update', () => d.updates.length === 1);
    const [group] = d.latest();
    expect(group?.source).toBe('endpointslice/kong/kong-status-abc12');
    expect(group?.labels).toMatchObject({
      __meta_kubernetes_namespace: 'kong',
      __meta_kubernetes_endpointslice_address_type: 'IPv4',
      __meta_kubernetes_endpointslice_name: 'kong-status-abc12',
      __meta_kubernetes_endpointslice_label_kubernetes_io_service_name: 'kong-status',
      __meta_kubernetes_service_name: 'kong-status',
    });
    const targets = group?.targets ?? [];
    expect(targets.map((t) => [t.__address__, t.__meta_kubernetes_endpointslice_endpoint_conditions_ready, t.__meta_kubernetes_pod_container_port_name])).toEqual([
      ['10.244.1.17:8100', 'true', 'status'],
      ['10.244.2.9:8100', 'false', undefined],
      ['10.244.1.17:8000', undefined, 'proxy'],
    ]);
    expect(targets[0]).toMatchObject({
      __meta_kubernetes_endpointslice_port: '8100',
      __meta_kubernetes_endpointslice_port_name: 'status',
      __meta_kubernetes_endpointslice_port_protocol: 'TCP',
      __meta_kubernetes_endpointslice_endpoint_conditions_serving: 'true',
      __meta_kubernetes_endpointslice_endpoint_conditions_terminating: 'false',
      __meta_kubernetes_endpointslice_endpoint_node_name: 'worker-1',
      __meta_kubernetes_endpointslice_endpoint_zone: 'eu-west-1a',
      __meta_kubernetes_endpointslice_address_target_kind: 'Pod',
      __meta_kubernetes_endpointslice_address_target_name: 'kong-gateway-5d8f7c9b6-x2x7q',
      __meta_kubernetes_pod_name: 'kong-gateway-5d8f7c9b6-x2x7q',
    });
    expect(targets[1]?.__meta_kubernetes_endpointslice_endpoint_conditions_terminating).toBe('true');
    const slices = a.requests.filter((r) => r.resource === 'endpointslices');
    expect(slices.length).toBeGreaterThan(0);
    expect(slices.every((r) => r.namespace === 'kong' && r.query.get('labelSelector') === 'kubernetes.io/service-name=kong-status')).toBe(true);
  });
});
