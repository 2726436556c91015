import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/processes.js';
import { only, render, type K8sObject } from './render.js';
import { healthPath, listeningPorts, loadPipeline, podEnv, sampleEnv, workloadPipeline, type Container, type Workload } from './workload.js';

// What a cluster would only show at run time, checked on the rendered objects: the pod spec and the
// pipeline it mounts (read by kongtel's own loader) agree.
const objects = render('deploy/kubernetes/overlays/full');
const kong = render('deploy/kong');
const WORKLOADS = [
  { kind: 'Deployment', name: 'kongtel', podName: 'kongtel-7d9c5b8f6-x2x7q' },
  { kind: 'StatefulSet', name: 'kongtel-scraper', podName: 'kongtel-scraper-0' },
] as const;

interface ServiceObject extends K8sObject {
  spec: { clusterIP?: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] };
}
const services = objects.filter((o) => o.kind === 'Service') as ServiceObject[];

function containerPort(container: Container, port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort;
}
function selects(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

describe('deploy manifests: pod specs and pipelines agree', () => {
  for (const { kind, name, podName } of WORKLOADS) {
    describe(`${kind} ${name}`, () => {
      const { workload, container, text, variables } = workloadPipeline(objects, kind, name);
      const config = loadPipeline(text, sampleEnv(variables, podName));
      const pod = workload.spec.template as Workload['spec']['template'] & { metadata: { labels: Record<string, string> } };

      it('every ${env:…} the pipeline reads is set by the pod spec', () => {
        const env = podEnv(container, objects);
        expect(variables.length).toBeGreaterThan(0);
        expect(variables.filter((v) => !env.has(v))).toEqual([]);
        expect(env.get('POD_NAME')).toBe('fieldRef:metadata.name');
      });

      it('service.instance.id is the pod name', () => {
        expect(config.service.telemetry.resource['service.instance.id']).toBe(podName);
      });

      it('containerPorts are exactly the ports the pipeline listens on; the probes hit health_check', () => {
        const listening = listeningPorts(config);
        expect(container.ports.map((p) => p.containerPort).sort()).toEqual([...listening.values()].sort());
        expect(containerPort(container, 'health')).toBe(listening.get('health_check'));
        expect(containerPort(container, 'self-metrics')).toBe(listening.get('self-metrics'));
        for (const probe of [container.readinessProbe, container.livenessProbe]) {
          expect(containerPort(container, probe.httpGet.port)).toBe(listening.get('health_check'));
          expect(probe.httpGet.path).toBe(healthPath(config));
        }
      });

      it('every Service port that selects these pods reaches a port the pipeline listens on', () => {
        const mine = services.filter((s) => selects(s.spec.selector, pod.metadata.labels));
        expect(mine.length).toBeGreaterThan(0);
        const listening = new Set(listeningPorts(config).values());
        for (const service of mine) {
          for (const port of service.spec.ports) expect(listening.has(containerPort(container, port.targetPort)!), `${service.metadata.name}:${port.name}`).toBe(true);
        }
      });

      it('the grace period covers service.shutdown_timeout', () => {
        expect(workload.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThanOrEqual(config.service.shutdown_timeout);
        expect(config.service.shutdown_timeout).toBe(15_000);
      });

      it('the persistent queue is on a volume (the root filesystem is read-only)', () => {
        const directory = (config.components.extensions.get('file_storage')!.config as { directory: string }).directory;
        const mount = container.volumeMounts.find((m) => m.mountPath === directory)!;
        expect(mount).toBeDefined();
        const claim = workload.spec.volumeClaimTemplates?.find((c) => c.metadata.name === mount.name);
        const volume = workload.spec.template.spec.volumes.find((v) => v.name === mount.name);
        if (kind === 'StatefulSet') expect(claim).toBeDefined();
        else expect(volume?.emptyDir).toBeDefined();
      });

      it('runs as non-root with a read-only root, no capabilities and the runtime seccomp profile', () => {
        const podSpec = workload.spec.template.spec as unknown as { securityContext: Record<string, unknown>; containers: { securityContext: Record<string, unknown> }[] };
        expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        for (const c of podSpec.containers) {
          expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        }
      });
    });
  }

  it("the Secret's keys are the ones the pipelines read from it", () => {
    const secret = only(objects, 'Secret', 'kongtel') as K8sObject & { stringData: Record<string, string> };
    const fromSecret = new Set<string>();
    for (const { kind, name } of WORKLOADS) {
      const { container, variables } = workloadPipeline(objects, kind, name);
      const env = podEnv(container, objects);
      for (const v of variables) if (env.get(v)?.startsWith('secret:kongtel/')) fromSecret.add(v);
    }
    expect(Object.keys(secret.stringData).sort()).toEqual([...fromSecret].sort());
  });

  it('the scrapers shard by their ordinal: modulus = replicas, keep = ${env:KONGTEL_SHARD} from the pod-index label', () => {
    const { workload, container, text } = workloadPipeline(objects, 'StatefulSet', 'kongtel-scraper');
    const job = (parse(text) as { receivers: { prometheus: { config: { scrape_configs: { relabel_configs: Record<string, unknown>[] }[] } } } }).receivers.prometheus.config.scrape_configs[0]!;
    expect(job.relabel_configs).toEqual([
      { source_labels: ['__address__'], modulus: workload.spec.replicas, target_label: '__tmp_hash', action: 'hashmod' },
      { source_labels: ['__tmp_hash'], regex: '${env:KONGTEL_SHARD}', action: 'keep' },
    ]);
    expect(podEnv(container, objects).get('KONGTEL_SHARD')).toBe("fieldRef:metadata.labels['apps.kubernetes.io/pod-index']");
    expect(workload.spec).not.toHaveProperty('template.spec.replicas');
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((h) => (h.spec as { scaleTargetRef: { kind: string } }).scaleTargetRef.kind)).toEqual(['Deployment']);
  });

  it("the scrapers' dns_sd name is deploy/kong's headless Service, on its port", () => {
    const { text } = workloadPipeline(objects, 'StatefulSet', 'kongtel-scraper');
    const sd = (parse(text) as { receivers: { prometheus: { config: { scrape_configs: { dns_sd_configs: { names: string[]; type: string; port: number }[] }[] } } } }).receivers.prometheus.config.scrape_configs[0]!.dns_sd_configs[0]!;
    const status = only(kong, 'Service', 'kong-status') as ServiceObject;
    expect(sd.names).toEqual([`${status.metadata.name}.${status.metadata.namespace}.svc.cluster.local`]);
    expect(sd.type).toBe('A');
    expect(status.spec.clusterIP).toBe('None');
    expect(status.spec.ports.map((p) => p.port)).toEqual([sd.port]);
  });

  it("Kong's http-log posts to the log receivers' Service port, with the receiver's bearer token", () => {
    const receiver = services.find((s) => s.metadata.name === 'kongtel')!;
    const { text } = workloadPipeline(objects, 'Deployment', 'kongtel');
    const receiverPort = listeningPorts(loadPipeline(text, sampleEnv(['KONGTEL_TOKEN', 'DT_ENDPOINT', 'DT_API_TOKEN', 'POD_NAME'], 'p'))).get('kong_http_log');
    const servicePort = receiver.spec.ports.find((p) => p.name === 'http-log')!;
    const url = `http://${receiver.metadata.name}.${receiver.metadata.namespace}.svc.cluster.local:${servicePort.port}/`;
    const plugin = only(kong, 'KongClusterPlugin') as K8sObject & { config: { http_endpoint: string; queue: { max_batch_size: number } }; configPatches: { path: string; valueFrom: { secretKeyRef: { name: string; namespace: string; key: string } } }[] };
    expect(plugin.config.http_endpoint).toBe(url);
    expect(plugin.config.queue.max_batch_size).toBeGreaterThan(1);
    const deck = parse(readFileSync(join(ROOT, 'deploy/kong/kong.deck.yaml'), 'utf8')) as { plugins: { name: string; config: { http_endpoint: string; headers: Record<string, string>; queue: unknown } }[] };
    expect(deck.plugins[0]!.config.http_endpoint).toBe(url);
    expect(deck.plugins[0]!.config.queue).toEqual(plugin.config.queue);
    expect(deck.plugins[0]!.config.headers.Authorization).toBe('Bearer ${{ env "DECK_KONGTEL_TOKEN" }}');
    expect(servicePort.targetPort).toBe('http-log');
    expect(receiverPort).toBe(8080);

    // The patched header: a JSON string "Bearer <KONGTEL_TOKEN>" from a Secret in the namespace it names.
    const [patch] = plugin.configPatches;
    expect(patch!.path).toBe('/headers/Authorization');
    const kongSecret = only(kong, 'Secret', patch!.valueFrom.secretKeyRef.name) as K8sObject & { stringData: Record<string, string> };
    expect(kongSecret.metadata.namespace).toBe(patch!.valueFrom.secretKeyRef.namespace);
    const token = (only(objects, 'Secret', 'kongtel') as K8sObject & { stringData: Record<string, string> }).stringData.KONGTEL_TOKEN;
    expect(JSON.parse(kongSecret.stringData[patch!.valueFrom.secretKeyRef.key]!)).toBe(`Bearer ${token}`);
  });

  it("only Kong's pods may reach the receivers' http-log port", () => {
    const policy = only(objects, 'NetworkPolicy') as K8sObject & { spec: { podSelector: { matchLabels: Record<string, string> }; ingress: { from: unknown[]; ports: { port: string }[] }[] } };
    const { workload } = workloadPipeline(objects, 'Deployment', 'kongtel');
    expect(selects(policy.spec.podSelector.matchLabels, (workload.spec.template as unknown as { metadata: { labels: Record<string, string> } }).metadata.labels)).toBe(true);
    const httpLog = policy.spec.ingress.filter((rule) => rule.ports.some((p) => p.port === 'http-log'));
    expect(httpLog).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kong' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'kong' } } }],
      ports: [{ protocol: 'TCP', port: 'http-log' }],
    }]);
    const status = only(kong, 'Service', 'kong-status') as ServiceObject;
    expect(status.spec.selector).toEqual({ 'app.kubernetes.io/name': 'kong' });
  });

  it('HPA, PodDisruptionBudget and ServiceMonitor point at what exists', () => {
    const pdb = only(objects, 'PodDisruptionBudget') as K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } };
    const deployment = only(objects, 'Deployment', 'kongtel') as Workload & { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.replicas).toBeUndefined();
    const monitor = only(objects, 'ServiceMonitor') as K8sObject & { spec: { endpoints: { port: string }[] } };
    const monitored = services.filter((s) => s.metadata.labels?.['app.kubernetes.io/name'] === 'kongtel');
    expect(monitored.map((s) => s.metadata.name).sort()).toEqual(['kongtel', 'kongtel-scraper']);
    for (const s of monitored) expect(s.spec.ports.map((p) => p.name)).toContain(monitor.spec.endpoints[0]!.port);
  });
});
