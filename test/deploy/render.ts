import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../support/processes.js';

/** One rendered object, as `kubectl apply` would receive it. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/**
 * The objects a kustomization renders to, by the kustomize built into kubectl (`kubectl kustomize`,
 * kustomize v5 — the machine image's kubectl; Debian's kubernetes-client 1.20 embeds kustomize 2.0, which
 * has no components). Rendered, not re-implemented: what is validated is what `kubectl apply -k` sends.
 */
export function render(kustomization: string): K8sObject[] {
  let out: string;
  try {
    out = execFileSync('kubectl', ['kustomize', join(ROOT, kustomization)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('test/deploy needs kubectl ≥ 1.21 on PATH (its kustomize renders components); the machine image has it');
    throw new Error(`kubectl kustomize ${kustomization}: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(out).map((doc) => doc.toJS() as K8sObject).filter((o) => o !== null);
}

/** `kubectl kustomize`'s kustomize version line, for the test's title. */
export function kustomizeVersion(): string {
  const out = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return /Kustomize Version: (\S+)/.exec(out)?.[1] ?? 'unknown';
}

export function only(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, rendered ${found.length}`);
  return found[0]!;
}
