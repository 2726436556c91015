import { describe, expect, it } from 'vitest';
import { kustomizeVersion, render, type K8sObject } from './render.js';
import { KUBERNETES_VERSION, schemaErrors } from './schemas.js';

// Every kustomization a user applies (docs/kubernetes.md), rendered by real kustomize.
const KUSTOMIZATIONS = [
  'deploy/kubernetes/overlays/log-receivers',
  'deploy/kubernetes/overlays/scrapers',
  'deploy/kubernetes/overlays/full',
  'deploy/kong',
];

describe(`deploy manifests (kustomize ${kustomizeVersion()}) against Kubernetes ${KUBERNETES_VERSION} and the CRDs`, () => {
  for (const dir of KUSTOMIZATIONS) {
    it(`${dir}: every object validates`, () => {
      const objects = render(dir);
      expect(objects.length).toBeGreaterThan(0);
      expect(objects.flatMap(schemaErrors)).toEqual([]);
    });
  }

  it('the full overlay renders each object kind it promises', () => {
    const kinds = render('deploy/kubernetes/overlays/full').map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      expect.stringMatching(/^ConfigMap\/kongtel-log-receivers-[a-z0-9]+$/),
      expect.stringMatching(/^ConfigMap\/kongtel-scrapers-[a-z0-9]+$/),
      'Deployment/kongtel',
      'HorizontalPodAutoscaler/kongtel',
      'NetworkPolicy/kongtel-log-receivers',
      'PodDisruptionBudget/kongtel',
      'Secret/kongtel',
      'Service/kongtel',
      'Service/kongtel-scraper',
      'ServiceMonitor/kongtel',
      'StatefulSet/kongtel-scraper',
    ]);
  });

  // The validation must be able to fail: one broken field per schema source.
  it('refuses what the API server would refuse', () => {
    const [deployment] = render('deploy/kubernetes/overlays/log-receivers').filter((o) => o.kind === 'Deployment') as [K8sObject];
    const broken = structuredClone(deployment) as K8sObject & { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'http';
    expect(schemaErrors(broken).join('\n')).toContain('containerPort must be integer');

    const plugin = render('deploy/kong').find((o) => o.kind === 'KongClusterPlugin')!;
    expect(schemaErrors({ ...plugin, run_on: 'everywhere' }).join('\n')).toContain('must be equal to one of the allowed values');
    expect(schemaErrors({ ...plugin, configPatch: [] }).join('\n')).toContain('must NOT have additional properties');
    const { plugin: _name, ...unnamed } = plugin;
    expect(schemaErrors(unnamed as K8sObject).join('\n')).toContain("must have required property 'plugin'");

    const monitor = render('deploy/kubernetes/overlays/full').find((o) => o.kind === 'ServiceMonitor')!;
    expect(schemaErrors({ ...monitor, spec: { ...(monitor.spec as object), endpoints: [{ port: 8888 }] } }).join('\n')).toContain('must be string');
  });

  // The CRD's x-kubernetes-validations (CEL) are not evaluated offline; these two are what they say.
  it('the KongClusterPlugin keeps to the CRD rules ajv cannot run', () => {
    const plugin = render('deploy/kong').find((o) => o.kind === 'KongClusterPlugin')!;
    expect('config' in plugin && 'configFrom' in plugin).toBe(false);
    expect('configFrom' in plugin && 'configPatches' in plugin).toBe(false);
  });
});
