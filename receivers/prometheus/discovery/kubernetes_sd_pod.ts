import { formatEndpoint } from '../../../core/index.js';
import { META, podLabels, withoutEmpty } from './kubernetes_sd_labels.js';
import type { Pod } from './kubernetes_sd_objects.js';
import type { TargetGroup } from './target_group.js';

/**
 * role: pod, as Prometheus' discovery/kubernetes/pod.go `buildPod` (d15adb9a): one group per pod
 * (source `pod/<namespace>/<name>`), the pod's labels on the group, one target per container port
 * (`podIP:containerPort`) and one portless target (`__address__` = the pod IP) per container without
 * ports; init containers too, marked `_pod_container_init`. A pod without an IP yet has no targets.
 */
export function podSource(namespace: string, name: string): string {
  return `pod/${namespace}/${name}`;
}

export function podGroup(pod: Pod): TargetGroup {
  const source = podSource(pod.metadata.namespace, pod.metadata.name);
  if (pod.status.podIP === '') return { source, targets: [], labels: {} };
  const labels = withoutEmpty({ ...podLabels(pod), [`${META}namespace`]: pod.metadata.namespace });
  const targets: Record<string, string>[] = [];
  const containers = [...pod.spec.containers, ...pod.spec.initContainers];
  containers.forEach((c, i) => {
    const isInit = i >= pod.spec.containers.length;
    const statuses = isInit ? pod.status.initContainerStatuses : pod.status.containerStatuses;
    const common = {
      [`${META}pod_container_name`]: c.name,
      [`${META}pod_container_id`]: statuses.find((s) => s.name === c.name)?.containerID ?? '',
      [`${META}pod_container_image`]: c.image,
      [`${META}pod_container_init`]: String(isInit),
    };
    if (c.ports.length === 0) {
      // No port: the user adds one by relabelling __address__.
      targets.push(withoutEmpty({ __address__: pod.status.podIP, ...common }));
      return;
    }
    for (const port of c.ports) {
      targets.push(
        withoutEmpty({
          __address__: formatEndpoint(pod.status.podIP, port.containerPort),
          ...common,
          [`${META}pod_container_port_number`]: String(port.containerPort),
          [`${META}pod_container_port_name`]: port.name,
          [`${META}pod_container_port_protocol`]: port.protocol,
        }),
      );
    }
  });
  return { source, targets, labels };
}
