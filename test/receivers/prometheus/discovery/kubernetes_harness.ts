import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { KubernetesSdDiscoverer } from '../../../../receivers/prometheus/discovery/kubernetes_sd.js';
import { kubernetesSdConfigSchema } from '../../../../receivers/prometheus/discovery/kubernetes_sd_config.js';
import type { TargetGroup } from '../../../../receivers/prometheus/discovery/target_group.js';
import { recordingLogger } from '../../../support/logs.js';
import { ROOT } from '../../../support/processes.js';
import { type KubeObject, KubernetesApiStandIn } from '../../../support/stand_ins/kubernetes_api.js';
import { tempDirs } from '../../../support/temp.js';
import { suiteCertificates } from '../../../support/tls.js';

/**
 * The kubernetes_sd tests' common part: a stand-in API server (test/support/stand_ins/kubernetes_api.ts)
 * over HTTPS with a self-signed certificate, the fixtures (written after the API reference's examples:
 * no API server runs here), and a discoverer whose updates are kept. Call at the top of a test file.
 */

export const TOKEN = 'sa-token-7f3c9e1d4b2a';

export const fixture = (name: string): KubeObject => JSON.parse(readFileSync(join(ROOT, 'test/testdata/kubernetes', name), 'utf8')) as KubeObject;
export const KONG_POD = fixture('pod_kong.json');

/** The fixture pod under another name and IP. */
export function kongPod(name: string, ip: string, overrides: { ready?: string; labels?: Record<string, string> } = {}): KubeObject {
  const status = KONG_POD.status as { conditions: { type: string; status: string }[] };
  return {
    ...KONG_POD,
    metadata: { ...KONG_POD.metadata, name, uid: `uid-${name}`, labels: overrides.labels ?? KONG_POD.metadata.labels },
    status: {
      ...(KONG_POD.status as object),
      podIP: ip,
      conditions: status.conditions.map((c) => (c.type === 'Ready' && overrides.ready !== undefined ? { ...c, status: overrides.ready } : c)),
    },
  };
}

export const addresses = (groups: readonly TargetGroup[]): string[] => groups.flatMap((g) => g.targets.map((t) => t.__address__ ?? '')).sort();

export function kubernetesHarness() {
  const certs = suiteCertificates('k8s-sd');
  const dirs = tempDirs('k8s-sd');
  let api: KubernetesApiStandIn | undefined;
  let discoverer: KubernetesSdDiscoverer | undefined;

  afterEach(async () => {
    await discoverer?.stop();
    await api?.close();
    discoverer = undefined;
    api = undefined;
  });

  async function startApi(): Promise<KubernetesApiStandIn> {
    api = await new KubernetesApiStandIn({ key: readFileSync(certs.server.key), cert: readFileSync(certs.server.cert) }, TOKEN).start();
    return api;
  }

  function tokenFile(token = TOKEN): string {
    const f = join(dirs(), 'token');
    writeFileSync(f, `${token}\n`);
    return f;
  }

  async function discover(config: Record<string, unknown>, extra: { env?: Record<string, string>; serviceAccountDir?: string } = {}) {
    const log = recordingLogger();
    const updates: (readonly TargetGroup[])[] = [];
    discoverer = new KubernetesSdDiscoverer(kubernetesSdConfigSchema.parse(config), { logger: log.logger, ...extra });
    await discoverer.start((g) => updates.push(g));
    return { ...log, updates, latest: () => updates[updates.length - 1] ?? [], discoverer };
  }

  function viaApiServer(a: KubernetesApiStandIn, rest: Record<string, unknown>): Record<string, unknown> {
    return { api_server: a.origin, bearer_token_file: tokenFile(), tls_config: { ca_file: certs.server.cert }, ...rest };
  }

  return { certs, dirs, startApi, tokenFile, discover, viaApiServer, stopDiscoverer: async () => discoverer?.stop() };
}
