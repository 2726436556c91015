import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { endpointsGroup, objectKey } from '../../receivers/prometheus/discovery/kubernetes_sd_endpoints.js';
import { endpoints, pod, service } from '../../receivers/prometheus/discovery/kubernetes_sd_objects.js';
import { podGroup } from '../../receivers/prometheus/discovery/kubernetes_sd_pod.js';
import type { TargetGroup } from '../../receivers/prometheus/discovery/target_group.js';
import { ROOT } from '../support/processes.js';

/**
 * Issue 12's hostile input for discovery: whatever an API server (or something answering in its place)
 * sends as a Pod, Service or Endpoints — wrong types, missing fields, label and annotation names with
 * any characters, odd IPs — the object is either refused whole or becomes groups whose every label name
 * is a valid Prometheus label name and every value a string; nothing throws.
 */
const RUNS = Math.max(200, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 10));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(ROOT, 'test/testdata/kubernetes', name), 'utf8')) as Record<string, unknown>;
const POD = fixture('pod_kong.json');
const ENDPOINTS = fixture('endpoints_kong_status.json');

function wellFormed(g: TargetGroup): void {
  for (const ls of [g.labels, ...g.targets]) {
    for (const [k, v] of Object.entries(ls)) {
      expect(k).toMatch(LABEL_NAME);
      expect(typeof v).toBe('string');
    }
  }
  for (const t of g.targets) expect(typeof t.__address__).toBe('string');
}

const hostileValue = fc.oneof(fc.anything(), fc.string({ unit: 'binary', maxLength: 30 }), fc.dictionary(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 20 })));

/** The fixture with one field, at any depth, replaced by something hostile. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths: string[][] = [];
  const walk = (o: unknown, path: string[]): void => {
    paths.push(path);
    if (o !== null && typeof o === 'object') for (const [k, v] of Object.entries(o)) walk(v, [...path, k]);
  };
  walk(base, []);
  return fc.tuple(fc.constantFrom(...paths), hostileValue).map(([path, value]) => {
    const copy = structuredClone(base) as Record<string, unknown>;
    if (path.length === 0) return value;
    let o: Record<string, unknown> = copy;
    for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
    o[path[path.length - 1] as string] = value;
    return copy;
  });
}

describe('fuzz: Kubernetes objects into discovery groups', () => {
  it('a hostile Pod is refused or becomes well-formed targets', () => {
    fc.assert(
      fc.property(fc.oneof(mutated(POD), fc.anything()), (raw) => {
        const r = pod.safeParse(raw);
        if (r.success) wellFormed(podGroup(r.data));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('hostile Endpoints, Services and Pods are refused or become well-formed targets', () => {
    fc.assert(
      fc.property(mutated(ENDPOINTS), mutated(POD), fc.oneof(mutated(fixture('service_kong_status.json')), fc.anything()), (rawEps, rawPod, rawSvc) => {
        const e = endpoints.safeParse(rawEps);
        const p = pod.safeParse(rawPod);
        const s = service.safeParse(rawSvc);
        if (!e.success) return;
        const pods = new Map(p.success ? [[objectKey(p.data), p.data]] : []);
        const services = new Map(s.success ? [[objectKey(s.data), s.data]] : []);
        wellFormed(endpointsGroup(e.data, services, pods));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
