import { describe, expect, it } from 'vitest';
import { metricBatch } from '../../../core/index.js';
import { batchOf, harness, resourceMetrics, samples, sum } from './builders.js';

const KONG_NODE = { 'service.name': 'kong', 'service.namespace': 'edge', 'service.instance.id': 'kong-1', 'host.name': 'node-a', 'k8s.pod.uid': 7 };

describe('resource and scope', () => {
  it('job/instance on every series, the other resource attributes on one target_info per resource', async () => {
    const { exporter } = harness();
    await exporter.consume(
      metricBatch([
        resourceMetrics([sum('requests', '', [{ attrs: { route: 'a' }, value: 1 }])]),
        resourceMetrics([sum('requests', '', [{ attrs: { route: 'a' }, value: 2 }])], {
          resource: KONG_NODE,
          scope: { name: 'kong-otel-plugin' },
        }),
      ]),
    );
    expect(samples(exporter.scrape())).toEqual([
      'target_info{job="kongtel",instance="pod-1"} 1',
      'target_info{host_name="node-a",k8s_pod_uid="7",job="edge/kong",instance="kong-1"} 1',
      'requests_total{route="a",otel_scope_name="kongtel",otel_scope_version="0.1.0",job="kongtel",instance="pod-1"} 1',
      'requests_total{route="a",otel_scope_name="kong-otel-plugin",job="edge/kong",instance="kong-1"} 2',
    ]);
  });

  it('an empty resource gets no target_info and no job/instance', async () => {
    const { exporter } = harness({ without_scope_info: true });
    await exporter.consume(metricBatch([resourceMetrics([sum('requests', '', [{ value: 1 }])], { resource: {} })]));
    expect(samples(exporter.scrape())).toEqual(['requests_total 1']);
  });

  it('resources sharing job and instance show one target_info; their same-labelled counters add up', async () => {
    const { exporter } = harness({ without_scope_info: true });
    await exporter.consume(
      metricBatch([
        resourceMetrics([sum('requests', '', [{ value: 1 }])], { resource: { ...KONG_NODE, 'host.name': 'node-a' } }),
        resourceMetrics([sum('requests', '', [{ value: 2 }])], { resource: { ...KONG_NODE, 'host.name': 'node-b' } }),
      ]),
    );
    expect(samples(exporter.scrape())).toEqual([
      'target_info{host_name="node-a",k8s_pod_uid="7",job="edge/kong",instance="kong-1"} 1',
      'requests_total{job="edge/kong",instance="kong-1"} 3',
    ]);
  });

  it('resource_to_telemetry_conversion puts resource attributes on every series; a point attribute of the same key wins', async () => {
    const { exporter } = harness({ without_scope_info: true, without_target_info: true, resource_to_telemetry_conversion: { enabled: true } });
    await exporter.consume(
      metricBatch([resourceMetrics([sum('requests', '', [{ attrs: { 'host.name': 'from-point' }, value: 1 }])], { resource: KONG_NODE })]),
    );
    expect(samples(exporter.scrape())).toEqual([
      'requests_total{host_name="from-point",k8s_pod_uid="7",service_instance_id="kong-1",service_name="kong",service_namespace="edge",job="edge/kong",instance="kong-1"} 1',
    ]);
  });

  it('const_labels on every series but target_info; a point attribute of the same name wins', async () => {
    const { exporter } = harness({ without_scope_info: true, const_labels: { region: 'eu', tier: 'edge' } });
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { tier: 'gold' }, value: 1 }])));
    expect(samples(exporter.scrape())).toEqual([
      'target_info{job="kongtel",instance="pod-1"} 1',
      'requests_total{tier="gold",region="eu",job="kongtel",instance="pod-1"} 1',
    ]);
  });

  it('scope schema URL becomes otel_scope_schema_url; scopes differing only in version are separate streams', async () => {
    const { exporter } = harness({ without_target_info: true });
    await exporter.consume(
      metricBatch([
        {
          resource: resourceMetrics([]).resource,
          scopeMetrics: [
            { scope: { name: 's', version: '1', schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' }, metrics: [sum('requests', '', [{ value: 1 }])] },
            { scope: { name: 's', version: '2' }, metrics: [sum('requests', '', [{ value: 5 }])] },
          ],
        },
      ]),
    );
    expect(samples(exporter.scrape())).toEqual([
      'requests_total{otel_scope_name="s",otel_scope_version="1",otel_scope_schema_url="https://opentelemetry.io/schemas/1.37.0",job="kongtel",instance="pod-1"} 1',
      'requests_total{otel_scope_name="s",otel_scope_version="2",job="kongtel",instance="pod-1"} 5',
    ]);
    expect(exporter.streamCount).toBe(2);
  });

  it('without_target_info and without_scope_info leave both out', async () => {
    const { exporter } = harness({ without_target_info: true, without_scope_info: true });
    await exporter.consume(batchOf(sum('requests', '', [{ value: 1 }])));
    expect(exporter.scrape()).toBe('# HELP requests_total requests\n# TYPE requests_total counter\nrequests_total{job="kongtel",instance="pod-1"} 1\n');
  });
});
