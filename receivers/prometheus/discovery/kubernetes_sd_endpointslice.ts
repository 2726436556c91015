import { formatEndpoint } from '../../../core/index.js';
import { objectKey } from './kubernetes_sd_endpoints.js';
import { addObjectMetaLabels, META, podLabels, sanitizeLabelName, serviceLabels, uncoveredPortTargets, withoutEmpty } from './kubernetes_sd_labels.js';
import type { EndpointSlice, Pod, Service } from './kubernetes_sd_objects.js';
import type { TargetGroup } from './target_group.js';

/**
 * role: endpointslice, as Prometheus' discovery/kubernetes/endpointslice.go `buildEndpointSlice`
 * (d15adb9a): one group per EndpointSlice (source `endpointslice/<namespace>/<name>`) with the Service
 * named by its `kubernetes.io/service-name` label; one target per endpoint address and port; pods'
 * labels as for role endpoints; no targets from the secondary slice of a dual-stack Service (they
 * would repeat the primary's).
 */

const ES = `${META}endpointslice_`;

function nonPrimaryIpFamily(svc: Service | undefined, eps: EndpointSlice): boolean {
  const policy = svc?.spec.ipFamilyPolicy;
  if (svc === undefined || (policy !== 'PreferDualStack' && policy !== 'RequireDualStack')) return false;
  const primary = svc.spec.ipFamilies[0];
  return primary !== undefined && eps.addressType !== primary;
}

export function endpointSliceGroup(eps: EndpointSlice, services: ReadonlyMap<string, Service>, pods: ReadonlyMap<string, Pod>): TargetGroup {
  const ns = eps.metadata.namespace;
  const source = `endpointslice/${ns}/${eps.metadata.name}`;
  const labels: Record<string, string> = { [`${META}namespace`]: ns, [`${ES}address_type`]: eps.addressType };
  addObjectMetaLabels(labels, eps.metadata, 'endpointslice');
  const serviceName = eps.metadata.labels?.['kubernetes.io/service-name'];
  const svc = serviceName === undefined ? undefined : services.get(`${ns}/${serviceName}`);
  if (svc !== undefined) Object.assign(labels, serviceLabels(svc));
  if (nonPrimaryIpFamily(svc, eps)) return { source, targets: [], labels: withoutEmpty(labels) };

  const targets: Record<string, string>[] = [];
  const seenPods = new Map<string, { pod: Pod; ports: number[] }>();
  const ports = eps.ports ?? [];
  for (const ep of eps.endpoints ?? []) {
    for (const port of ports) {
      for (const addr of ep.addresses) {
        const target: Record<string, string> = { __address__: port.port != null ? formatEndpoint(addr, port.port) : addr };
        if (port.name != null) target[`${ES}port_name`] = port.name;
        if (port.protocol != null) target[`${ES}port_protocol`] = port.protocol;
        if (port.port != null) target[`${ES}port`] = String(port.port);
        if (port.appProtocol != null) target[`${ES}port_app_protocol`] = port.appProtocol;
        if (ep.conditions.ready != null) target[`${ES}endpoint_conditions_ready`] = String(ep.conditions.ready);
        if (ep.conditions.serving != null) target[`${ES}endpoint_conditions_serving`] = String(ep.conditions.serving);
        if (ep.conditions.terminating != null) target[`${ES}endpoint_conditions_terminating`] = String(ep.conditions.terminating);
        if (ep.hostname != null) target[`${ES}endpoint_hostname`] = ep.hostname;
        if (ep.targetRef != null) {
          target[`${ES}address_target_kind`] = ep.targetRef.kind;
          target[`${ES}address_target_name`] = ep.targetRef.name;
        }
        if (ep.nodeName != null) target[`${ES}endpoint_node_name`] = ep.nodeName;
        if (ep.zone != null) target[`${ES}endpoint_zone`] = ep.zone;
        for (const [k, v] of Object.entries(ep.deprecatedTopology ?? {})) {
          target[`${ES}endpoint_topology_${sanitizeLabelName(k)}`] = v;
          target[`${ES}endpoint_topology_present_${sanitizeLabelName(k)}`] = 'true';
        }
        const ref = ep.targetRef;
        const pod = ref != null && ref.kind === 'Pod' ? pods.get(`${ref.namespace || ns}/${ref.name}`) : undefined;
        if (pod === undefined) {
          targets.push(withoutEmpty(target));
          continue;
        }
        const seen = seenPods.get(objectKey(pod)) ?? { pod, ports: [] };
        seenPods.set(objectKey(pod), seen);
        Object.assign(target, podLabels(pod));
        const containers = [...pod.spec.containers, ...pod.spec.initContainers];
        match: for (const [i, c] of containers.entries()) {
          for (const cport of c.ports) {
            if (port.port == null || cport.containerPort !== port.port) continue;
            target[`${META}pod_container_name`] = c.name;
            target[`${META}pod_container_image`] = c.image;
            target[`${META}pod_container_port_name`] = cport.name;
            target[`${META}pod_container_port_number`] = String(port.port);
            target[`${META}pod_container_port_protocol`] = cport.protocol;
            target[`${META}pod_container_init`] = String(i >= pod.spec.containers.length);
            break match;
          }
        }
        if (port.port != null) seen.ports.push(port.port);
        targets.push(withoutEmpty(target));
      }
    }
  }
  targets.push(...uncoveredPortTargets(seenPods.values()));
  return { source, targets, labels: withoutEmpty(labels) };
}
