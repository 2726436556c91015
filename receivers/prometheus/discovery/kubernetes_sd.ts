import { type Clock, type Logger, systemClock } from '../../../core/index.js';
import { type InClusterOptions, KubernetesApi } from './kubernetes_sd_api.js';
import { type KubernetesSdConfig, selectorFor } from './kubernetes_sd_config.js';
import { endpointsGroup, objectKey } from './kubernetes_sd_endpoints.js';
import { Informer } from './kubernetes_sd_informer.js';
import { endpointSlice, type EndpointSlice, endpoints, type Endpoints, pod, type Pod, service, type Service } from './kubernetes_sd_objects.js';
import { endpointSliceGroup } from './kubernetes_sd_endpointslice.js';
import { podGroup } from './kubernetes_sd_pod.js';
import { GroupPublisher } from './sd_publish.js';
import type { Discoverer, TargetGroup } from './target_group.js';

/**
 * `kubernetes_sd_configs` at work, as Prometheus' discovery/kubernetes (d15adb9a): per namespace
 * (namespaces.names, plus the pod's own with own_namespace; none listed: all namespaces), role pod
 * watches pods; role endpoints (endpointslice) watches endpoints (endpointslices), services (for the
 * `__meta_kubernetes_service_*` labels) and pods (for the `_pod_*` labels of the addresses that point
 * at one), each with its selector.
 * Groups are handed over once every watch has listed, then after every change; a watch that fails keeps
 * its last objects while it retries.
 */

export interface KubernetesSdOptions extends InClusterOptions {
  readonly logger: Logger;
  readonly clock?: Clock;
}

function parser<T>(schema: { safeParse(o: unknown): { success: true; data: T } | { success: false } }): (o: unknown) => T | undefined {
  return (o) => {
    const r = schema.safeParse(o);
    return r.success ? r.data : undefined;
  };
}

const parsePod = parser<Pod>(pod);
const parseService = parser<Service>(service);
const parseEndpoints = parser<Endpoints>(endpoints);
const parseEndpointSlice = parser<EndpointSlice>(endpointSlice);

type Watched = Pod | Service | Endpoints | EndpointSlice;

export class KubernetesSdDiscoverer implements Discoverer {
  private readonly api: KubernetesApi;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly pods: Informer<Pod>[] = [];
  private readonly services: Informer<Service>[] = [];
  private readonly endpoints: Informer<Endpoints>[] = [];
  private readonly slices: Informer<EndpointSlice>[] = [];
  private publisher: GroupPublisher | undefined;
  private pending: NodeJS.Immediate | undefined;
  private stopped = false;

  /** Throws (naming the key) when in-cluster access is asked for outside a cluster. */
  constructor(
    private readonly config: KubernetesSdConfig,
    options: KubernetesSdOptions,
  ) {
    this.api = new KubernetesApi(config, options);
    this.logger = options.logger.child({ discovery: 'kubernetes', role: config.role });
    this.clock = options.clock ?? systemClock;
  }

  /** Prometheus' getNamespaces: '' is every namespace. */
  private namespaces(): string[] {
    const names = [...this.config.namespaces.names];
    if (this.api.ownNamespace !== undefined) names.push(this.api.ownNamespace);
    return names.length === 0 ? [''] : [...new Set(names)];
  }

  async start(update: (groups: readonly TargetGroup[]) => void): Promise<void> {
    this.publisher = new GroupPublisher(update);
    for (const ns of this.namespaces()) {
      const base = ns === '' ? '/api/v1' : `/api/v1/namespaces/${encodeURIComponent(ns)}`;
      this.pods.push(this.informer(`${base}/pods`, 'pod', parsePod));
      if (this.config.role === 'endpoints') this.endpoints.push(this.informer(`${base}/endpoints`, 'endpoints', parseEndpoints));
      if (this.config.role === 'endpointslice') {
        const group = ns === '' ? '/apis/discovery.k8s.io/v1' : `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}`;
        this.slices.push(this.informer(`${group}/endpointslices`, 'endpointslice', parseEndpointSlice));
      }
      if (this.config.role !== 'pod') this.services.push(this.informer(`${base}/services`, 'service', parseService));
    }
    for (const i of this.all()) i.start();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pending !== undefined) clearImmediate(this.pending);
    await Promise.all(this.all().map((i) => i.stop()));
  }

  private all(): Informer<Watched>[] {
    return [...this.pods, ...this.services, ...this.endpoints, ...this.slices] as Informer<Watched>[];
  }

  private informer<T extends Watched>(path: string, kind: 'pod' | 'service' | 'endpoints' | 'endpointslice', parse: (o: unknown) => T | undefined): Informer<T> {
    return new Informer<T>({
      api: this.api,
      path,
      selector: selectorFor(this.config, kind),
      parse,
      keyOf: objectKey,
      onChange: () => this.changed(),
      logger: this.logger,
      clock: this.clock,
    });
  }

  /** Coalesced: a list of 500 pods or a burst of events makes one update. */
  private changed(): void {
    if (this.pending !== undefined || this.stopped) return;
    this.pending = setImmediate(() => {
      this.pending = undefined;
      if (this.stopped || !this.all().every((i) => i.synced)) return;
      this.publisher?.publish(this.groups());
    });
  }

  private groups(): TargetGroup[] {
    const merged = <T>(informers: readonly Informer<T>[]): Map<string, T> => new Map(informers.flatMap((i) => [...i.store]));
    const bySource = (a: TargetGroup, b: TargetGroup): number => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
    if (this.config.role === 'pod') return [...merged(this.pods).values()].map(podGroup).sort(bySource);
    const services = merged(this.services);
    const pods = merged(this.pods);
    if (this.config.role === 'endpointslice') return [...merged(this.slices).values()].map((e) => endpointSliceGroup(e, services, pods)).sort(bySource);
    return [...merged(this.endpoints).values()].map((e) => endpointsGroup(e, services, pods)).sort(bySource);
  }
}
