import { parse, stringify } from 'yaml';
import { parseConfig, parseEndpoint, type CollectorConfig } from '../../core/index.js';
import { substituteEnv } from '../../core/config/env.js';
import { FACTORIES } from '../../cmd/components.js';
import { only, type K8sObject } from './render.js';

/** The parts of a pod template the checks read (the rest is validated by schema). */
export interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { secretRef?: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { httpGet: { path: string; port: string | number } };
  livenessProbe: { httpGet: { path: string; port: string | number } };
  volumeMounts: { name: string; mountPath: string }[];
}
export interface PodSpec {
  terminationGracePeriodSeconds: number;
  containers: Container[];
  volumes: { name: string; configMap?: { name: string }; emptyDir?: object }[];
}
export interface Workload extends K8sObject {
  spec: { replicas?: number; template: { spec: PodSpec }; volumeClaimTemplates?: { metadata: { name: string } }[] };
}

export interface WorkloadPipeline {
  workload: Workload;
  container: Container;
  /** pipelines.yaml as the ConfigMap mounted at --config holds it. */
  text: string;
  /** The variables the pipeline reads through ${env:…}, found by kongtel's own substitution. */
  variables: string[];
}

export function workloadPipeline(objects: readonly K8sObject[], kind: 'Deployment' | 'StatefulSet', name: string): WorkloadPipeline {
  const workload = only(objects, kind, name) as Workload;
  const container = workload.spec.template.spec.containers[0]!;
  const configVolume = workload.spec.template.spec.volumes.find((v) => v.configMap)!;
  const configMap = only(objects, 'ConfigMap', configVolume.configMap!.name) as K8sObject & { data: Record<string, string> };
  const text = configMap.data['pipelines.yaml']!;
  const variables = [...new Set(substituteEnv(parse(text), {}).unset.map((u) => u.variable))].sort();
  return { workload, container, text, variables };
}

/** What a pod gives its container as environment: name → value, `fieldRef:<path>` or `secret:<name>/<key>`. */
export function podEnv(container: Container, objects: readonly K8sObject[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const secret = only(objects, 'Secret', from.secretRef!.name) as K8sObject & { stringData?: Record<string, string>; data?: Record<string, string> };
    for (const key of Object.keys({ ...secret.data, ...secret.stringData })) env.set(key, `secret:${secret.metadata.name}/${key}`);
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.fieldRef ? `fieldRef:${e.valueFrom.fieldRef.fieldPath}` : e.valueFrom?.secretKeyRef ? `secret:${e.valueFrom.secretKeyRef.name}/${e.valueFrom.secretKeyRef.key}` : (e.value ?? '');
    env.set(e.name, ref);
  }
  return env;
}

/** Plausible values for the pod's variables, as the kubelet would fill them (ordinal 0 of a StatefulSet). */
export function sampleEnv(variables: readonly string[], podName: string): Record<string, string> {
  const samples: Record<string, string> = {
    POD_NAME: podName,
    KONGTEL_SHARD: '0',
    KONGTEL_TOKEN: 'token-from-the-secret',
    DT_ENDPOINT: 'https://abc12345.live.dynatrace.com/api/v2/otlp',
    DT_API_TOKEN: 'dt0c01.token',
  };
  return Object.fromEntries(variables.map((v) => [v, samples[v] ?? `value-of-${v}`]));
}

/** Until the receiver takes dns_sd_configs and relabel_configs (issue 12, items 1–2), these are what kongtel refuses. */
export const DISCOVERY_KEYS = ['dns_sd_configs', 'relabel_configs'] as const;

interface ScrapeConfig { job_name: string; dns_sd_configs?: { names: string[]; port: number }[]; relabel_configs?: unknown; static_configs?: unknown }

/**
 * The pipeline through kongtel's loader. Where the loader does not know the discovery keys yet, the
 * scrape job is loaded with its dns_sd_configs replaced by the static target the name would resolve
 * to, so the rest of the pipeline (endpoints, shutdown_timeout) is still read by the real loader; the
 * refusal itself is asserted in validate_cli.test.ts.
 */
export function loadPipeline(text: string, env: Record<string, string>): CollectorConfig {
  try {
    return parseConfig(text, 'pipelines.yaml', FACTORIES, env);
  } catch (err) {
    const tree = parse(text) as { receivers: { prometheus?: { config: { scrape_configs: ScrapeConfig[] } } } };
    const jobs = tree.receivers.prometheus?.config.scrape_configs;
    if (!jobs?.some((j) => j.dns_sd_configs || j.relabel_configs)) throw err;
    for (const job of jobs) {
      const targets = (job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((n) => `${n}:${sd.port}`));
      for (const key of DISCOVERY_KEYS) delete job[key];
      job.static_configs = [{ targets }];
    }
    return parseConfig(stringify(tree), 'pipelines.yaml', FACTORIES, env);
  }
}

/** The ports a loaded pipeline listens on, by what listens: `health_check`, `self-metrics`, a receiver's or exporter's id. */
export function listeningPorts(config: CollectorConfig): Map<string, number> {
  const ports = new Map<string, number>();
  for (const section of ['receivers', 'exporters', 'extensions'] as const) {
    for (const [id, component] of config.components[section]) {
      const endpoint = (component.config as { endpoint?: unknown }).endpoint;
      const port = typeof endpoint === 'string' ? parseEndpoint(endpoint)?.port : undefined;
      if (port !== undefined) ports.set(id, port);
    }
  }
  const self = parseEndpoint(config.service.telemetry.metrics.address);
  if (self) ports.set('self-metrics', self.port);
  return ports;
}

export function healthPath(config: CollectorConfig): string {
  return (config.components.extensions.get('health_check')!.config as { path: string }).path;
}
