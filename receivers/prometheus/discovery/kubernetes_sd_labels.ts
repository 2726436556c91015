import { formatEndpoint } from '../../../core/index.js';
import type { ObjectMeta, Pod, Service } from './kubernetes_sd_objects.js';

/**
 * The `__meta_kubernetes_*` labels Prometheus builds from an object's metadata and a pod's status
 * (prometheus/prometheus discovery/kubernetes/kubernetes.go `addObjectMetaLabels`, pod.go `podLabels`,
 * service.go `serviceLabels`, at d15adb9a).
 */

export const META = '__meta_kubernetes_';

/** Prometheus' strutil.SanitizeLabelName: anything but [a-zA-Z0-9_] becomes "_" (the prefix keeps it valid). */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** `<role>_name`, then each label and annotation with its `…present_` twin. */
export function addObjectMetaLabels(ls: Record<string, string>, meta: ObjectMeta, role: string): void {
  ls[`${META}${role}_name`] = meta.name;
  for (const [k, v] of Object.entries(meta.labels ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${META}${role}_label_${ln}`] = v;
    ls[`${META}${role}_labelpresent_${ln}`] = 'true';
  }
  for (const [k, v] of Object.entries(meta.annotations ?? {})) {
    const ln = sanitizeLabelName(k);
    ls[`${META}${role}_annotation_${ln}`] = v;
    ls[`${META}${role}_annotationpresent_${ln}`] = 'true';
  }
}

/** The PodReady condition's status in lower case; "unknown" without one. */
function podReady(pod: Pod): string {
  const cond = pod.status.conditions.find((c) => c.type === 'Ready');
  return (cond?.status ?? 'Unknown').toLowerCase();
}

/** The labels every target of a pod shares. */
export function podLabels(pod: Pod): Record<string, string> {
  const ls: Record<string, string> = {
    [`${META}pod_ip`]: pod.status.podIP,
    [`${META}pod_ready`]: podReady(pod),
    [`${META}pod_phase`]: pod.status.phase,
    [`${META}pod_node_name`]: pod.spec.nodeName,
    [`${META}pod_host_ip`]: pod.status.hostIP,
    [`${META}pod_uid`]: pod.metadata.uid,
  };
  addObjectMetaLabels(ls, pod.metadata, 'pod');
  const controller = pod.metadata.ownerReferences?.find((r) => r.controller === true);
  if (controller !== undefined) {
    if (controller.kind !== '') ls[`${META}pod_controller_kind`] = controller.kind;
    if (controller.name !== '') ls[`${META}pod_controller_name`] = controller.name;
  }
  return ls;
}

export function serviceLabels(svc: Service): Record<string, string> {
  const ls: Record<string, string> = { [`${META}namespace`]: svc.metadata.namespace };
  addObjectMetaLabels(ls, svc.metadata, 'service');
  return ls;
}

/** Prometheus drops a label whose value is empty: written out here so a target holds only what it has. */
export function withoutEmpty(ls: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ls)) if (v !== '') out[k] = v;
  return out;
}

/**
 * Prometheus' extra targets of endpoints and endpointslice discovery (discovery/kubernetes endpoints.go,
 * endpointslice.go): one per container port of a pod the endpoints point at that no endpoint port covers.
 */
export function uncoveredPortTargets(seenPods: Iterable<{ readonly pod: Pod; readonly ports: readonly number[] }>): Record<string, string>[] {
  const targets: Record<string, string>[] = [];
  for (const { pod, ports: covered } of seenPods) {
    if (pod.status.podIP === '') continue;
    [...pod.spec.containers, ...pod.spec.initContainers].forEach((c, i) => {
      for (const cport of c.ports) {
        if (covered.includes(cport.containerPort)) continue;
        targets.push(
          withoutEmpty({
            __address__: formatEndpoint(pod.status.podIP, cport.containerPort),
            [`${META}pod_container_name`]: c.name,
            [`${META}pod_container_image`]: c.image,
            [`${META}pod_container_port_name`]: cport.name,
            [`${META}pod_container_port_number`]: String(cport.containerPort),
            [`${META}pod_container_port_protocol`]: cport.protocol,
            [`${META}pod_container_init`]: String(i >= pod.spec.containers.length),
            ...podLabels(pod),
          }),
        );
      }
    });
  }
  return targets;
}
