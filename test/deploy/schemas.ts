import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { K8sObject } from './render.js';

/**
 * Offline validation of rendered objects.
 * Built-in kinds: kubernetes-models 5.1.0, whose validators are compiled from Kubernetes v1.36.0's
 * OpenAPI (its changelog, 5.0.0). Those schemas, like the API's, allow unknown fields, so a misspelt
 * key passes here (the API server's strict field validation would refuse it).
 * CRD kinds: the CRDs' own openAPIV3Schema (test/deploy/crds/, provenance in its README) with ajv, made
 * strict as kubectl's `--validate=strict` is: unknown fields are errors unless the schema preserves them.
 */
export const KUBERNETES_VERSION = 'v1.36.0';

interface Validatable { validate(): void }
type ModelClass = new (data: K8sObject) => Validatable;

const BUILT_IN: Record<string, ModelClass> = {
  'v1/ConfigMap': ConfigMap as unknown as ModelClass,
  'v1/Secret': Secret as unknown as ModelClass,
  'v1/Service': Service as unknown as ModelClass,
  'apps/v1/Deployment': Deployment as unknown as ModelClass,
  'apps/v1/StatefulSet': StatefulSet as unknown as ModelClass,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as unknown as ModelClass,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as unknown as ModelClass,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as unknown as ModelClass,
  // The operator's models (@kubernetes-models/prometheus-operator 6.0.0, generated from its Go API
  // types); the CRD's own schema is checked too, below.
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as unknown as ModelClass,
};

const CRD_FILES = ['configuration.konghq.com_kongclusterplugins.yaml', 'monitoring.coreos.com_servicemonitors.yaml'];

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: AnySchemaObject } }[] };
}

/** additionalProperties: false wherever a structural schema lists properties and keeps no unknown fields. */
function strict(schema: AnySchemaObject): AnySchemaObject {
  const out: AnySchemaObject = { ...schema };
  if (out.properties && out['x-kubernetes-preserve-unknown-fields'] !== true && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  if (out.properties) {
    out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, AnySchemaObject>).map(([k, v]) => [k, strict(v)]));
  }
  if (out.items) out.items = strict(out.items as AnySchemaObject);
  if (out.additionalProperties && typeof out.additionalProperties === 'object') out.additionalProperties = strict(out.additionalProperties as AnySchemaObject);
  // metadata is the API server's ObjectMeta, not described by the CRD.
  if (out.properties && (out.properties as Record<string, AnySchemaObject>).metadata?.type === 'object') {
    (out.properties as Record<string, AnySchemaObject>).metadata = { type: 'object' };
  }
  return out;
}

function crdValidators(): Map<string, ValidateFunction> {
  // x-kubernetes-* are the API server's extensions to OpenAPI; ajv passes over them.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat('int32', true).addFormat('int64', true).addFormat('double', true).addFormat('float', true).addFormat('byte', true);
  const validators = new Map<string, ValidateFunction>();
  for (const file of CRD_FILES) {
    const crd = parse(readFileSync(join(import.meta.dirname, 'crds', file), 'utf8')) as Crd;
    for (const version of crd.spec.versions) {
      validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(strict(version.schema.openAPIV3Schema)));
    }
  }
  return validators;
}

const CRDS = crdValidators();

/** What the API server (without admission webhooks and CEL rules) would refuse in this object; [] when none. */
export function schemaErrors(object: K8sObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  const name = object.metadata.name;
  const errors: string[] = [];
  const model = BUILT_IN[key];
  const crd = CRDS.get(key);
  if (!model && !crd) return [`${key}: no schema known for this kind`];
  if (model) {
    try {
      new model(object).validate();
    } catch (err) {
      errors.push(`${key} ${name}: ${(err as Error).message}`);
    }
  }
  if (crd && !crd(object)) {
    for (const e of crd.errors ?? []) errors.push(`${key} ${name}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
  return errors;
}
