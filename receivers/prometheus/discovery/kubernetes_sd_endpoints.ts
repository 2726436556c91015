import { formatEndpoint } from '../../../core/index.js';
import { addObjectMetaLabels, META, podLabels, serviceLabels, uncoveredPortTargets, withoutEmpty } from './kubernetes_sd_labels.js';
import type { Endpoints, Pod, Service } from './kubernetes_sd_objects.js';
import type { TargetGroup } from './target_group.js';

/**
 * role: endpoints, as Prometheus' discovery/kubernetes/endpoints.go `buildEndpoints` (d15adb9a): one
 * group per Endpoints object (source `endpoints/<namespace>/<name>`) with its Service's labels, one
 * target per address and port (ready addresses, then not-ready ones with `_endpoint_ready` "false"),
 * the pod's labels and the matching container's when the address points at a known pod, and one target
 * more for each container port of those pods that no endpoint port covers.
 */

type Entry = Readonly<Record<string, string>>;

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function objectKey(o: { metadata: { namespace: string; name: string } }): string {
  return key(o.metadata.namespace, o.metadata.name);
}

export function endpointsGroup(eps: Endpoints, services: ReadonlyMap<string, Service>, pods: ReadonlyMap<string, Pod>): TargetGroup {
  const ns = eps.metadata.namespace;
  const labels: Record<string, string> = { [`${META}namespace`]: ns };
  const svc = services.get(key(ns, eps.metadata.name));
  if (svc !== undefined) Object.assign(labels, serviceLabels(svc));
  addObjectMetaLabels(labels, eps.metadata, 'endpoints');

  const targets: Entry[] = [];
  const seenPods = new Map<string, { pod: Pod; ports: number[] }>();

  const add = (addr: Endpoints['subsets'][number]['addresses'][number], port: Endpoints['subsets'][number]['ports'][number], ready: string): void => {
    const target: Record<string, string> = {
      __address__: formatEndpoint(addr.ip, port.port),
      [`${META}endpoint_port_name`]: port.name,
      [`${META}endpoint_port_protocol`]: port.protocol,
      [`${META}endpoint_ready`]: ready,
    };
    if (addr.targetRef !== undefined) {
      target[`${META}endpoint_address_target_kind`] = addr.targetRef.kind;
      target[`${META}endpoint_address_target_name`] = addr.targetRef.name;
    }
    if (addr.nodeName !== undefined) target[`${META}endpoint_node_name`] = addr.nodeName;
    if (addr.hostname !== undefined && addr.hostname !== '') target[`${META}endpoint_hostname`] = addr.hostname;

    const ref = addr.targetRef;
    const pod = ref !== undefined && ref.kind === 'Pod' ? pods.get(key(ref.namespace || ns, ref.name)) : undefined;
    if (pod === undefined) {
      targets.push(withoutEmpty(target));
      return;
    }
    const podKey = objectKey(pod);
    const seen = seenPods.get(podKey) ?? { pod, ports: [] };
    seenPods.set(podKey, seen);
    Object.assign(target, podLabels(pod));
    const containers = [...pod.spec.containers, ...pod.spec.initContainers];
    match: for (const [i, c] of containers.entries()) {
      for (const cport of c.ports) {
        if (cport.containerPort !== port.port) continue;
        target[`${META}pod_container_name`] = c.name;
        target[`${META}pod_container_image`] = c.image;
        target[`${META}pod_container_port_name`] = cport.name;
        target[`${META}pod_container_port_number`] = String(port.port);
        target[`${META}pod_container_port_protocol`] = port.protocol;
        target[`${META}pod_container_init`] = String(i >= pod.spec.containers.length);
        break match;
      }
    }
    seen.ports.push(port.port);
    targets.push(withoutEmpty(target));
  };

  for (const subset of eps.subsets) {
    for (const port of subset.ports) {
      for (const addr of subset.addresses) add(addr, port, 'true');
      for (const addr of subset.notReadyAddresses) add(addr, port, 'false');
    }
  }

  targets.push(...uncoveredPortTargets(seenPods.values()));
  return { source: `endpoints/${ns}/${eps.metadata.name}`, targets, labels: withoutEmpty(labels) };
}
