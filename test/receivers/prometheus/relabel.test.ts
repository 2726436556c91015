import { describe, expect, it } from 'vitest';
import { prometheusReceiverConfigSchema } from '../../../receivers/prometheus/config.js';
import { relabel } from '../../../receivers/prometheus/relabel/apply.js';
import { hashmod } from '../../../receivers/prometheus/relabel/hashmod.js';
import { relabelConfigsSchema } from '../../../receivers/prometheus/relabel/schema.js';
import { jobSettings } from '../../../receivers/prometheus/target.js';
import { buildTarget, discoveredLabels } from '../../../receivers/prometheus/target_labels.js';

/**
 * Every relabel action against the cases of Prometheus' own model/relabel/relabel_test.go (at d15adb9a)
 * and the examples of its `<relabel_config>` documentation, written as a user writes them in YAML.
 */

function run(input: Record<string, string>, rules: Record<string, unknown>[]): Record<string, string> | 'dropped' {
  const parsed = relabelConfigsSchema.parse(rules);
  const labels = new Map(Object.entries(input));
  return relabel(labels, parsed) ? Object.fromEntries([...labels].sort()) : 'dropped';
}

function errors(rules: unknown): string[] {
  const r = relabelConfigsSchema.safeParse(rules);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const abc = { a: 'foo', b: 'bar', c: 'baz' };

describe('relabel_test.go cases', () => {
  it('replace with ${1} references', () => {
    expect(run(abc, [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }])).toEqual({ ...abc, d: 'choo-choo' });
  });
  it('replace chained over two source labels, $1$2 form', () => {
    expect(
      run(abc, [
        { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
        { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
      ]),
    ).toEqual({ a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' });
  });
  it('drop on a match, and later rules are not applied', () => {
    expect(run({ a: 'foo' }, [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }, { source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch$1-ch$1' }])).toBe('dropped');
  });
  it('regex is anchored: "f|o" does not match "foo", ".*(b).*" captures inside', () => {
    expect(run({ a: 'foo' }, [{ source_labels: ['a'], regex: 'f|o', action: 'drop' }])).toEqual({ a: 'foo' });
    expect(run({ a: 'abc' }, [{ source_labels: ['a'], regex: '.*(b).*', target_label: 'd' }])).toEqual({ a: 'abc', d: 'b' });
  });
  it('keep', () => {
    expect(run({ a: 'foo' }, [{ source_labels: ['a'], regex: 'no-match', action: 'keep' }])).toBe('dropped');
    expect(run({ a: 'foo' }, [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }])).toEqual({ a: 'foo' });
  });
  it('no replacement without a match; an empty replacement deletes the (templated) target', () => {
    expect(run({ a: 'boo' }, [{ source_labels: ['a'], regex: 'f', target_label: 'b', replacement: 'bar' }])).toEqual({ a: 'boo' });
    expect(run({ a: 'foo', f: 'baz' }, [{ source_labels: ['a'], regex: '(f).*', target_label: '$1', replacement: '$2' }])).toEqual({ a: 'foo' });
  });
  it('hashmod: the values relabel_test.go expects', () => {
    expect(run(abc, [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }])).toEqual({ ...abc, d: '976' });
    expect(run({ a: 'foo\nbar' }, [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }])).toEqual({ a: 'foo\nbar', b: '734' });
    expect(hashmod('', 7)).toBe(hashmod('', 7));
  });
  it('labelmap', () => {
    expect(run({ a: 'foo', b1: 'bar', b2: 'baz' }, [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }])).toEqual({
      a: 'foo',
      b1: 'bar',
      b2: 'baz',
      bar_b1: 'bar',
      bar_b2: 'baz',
    });
    expect(run({ __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' }, [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }])).toEqual({
      __meta_my_bar: 'aaa',
      __meta_my_baz: 'bbb',
      __meta_other: 'ccc',
      my_bar: 'aaa',
      my_baz: 'bbb',
    });
  });
  it('labeldrop and labelkeep match whole names', () => {
    expect(run({ a: 'foo', b: 'bar', c: 'baz' }, [{ regex: '(b|c)', action: 'labeldrop' }])).toEqual({ a: 'foo' });
    expect(run({ a: 'foo', aa: 'bar', c: 'baz' }, [{ regex: 'a', action: 'labeldrop' }])).toEqual({ aa: 'bar', c: 'baz' });
    expect(run({ a: 'foo', b: 'bar', c: 'baz' }, [{ regex: '(b|c)', action: 'labelkeep' }])).toEqual({ b: 'bar', c: 'baz' });
  });
  it('keepequal / dropequal compare the joined sources with target_label', () => {
    expect(run({ __tmp_port: '1234', __port1: '1234' }, [{ source_labels: ['__tmp_port'], target_label: '__port1', action: 'keepequal' }])).toEqual({ __port1: '1234', __tmp_port: '1234' });
    expect(run({ __tmp_port: '1234', __port1: '1234' }, [{ source_labels: ['__tmp_port'], target_label: '__port1', action: 'dropequal' }])).toBe('dropped');
    expect(run({ __tmp_port: '1234', __port2: '5678' }, [{ source_labels: ['__tmp_port'], target_label: '__port2', action: 'keepequal' }])).toBe('dropped');
  });
  it('lowercase / uppercase', () => {
    expect(run({ foo: 'bAr123Foo' }, [{ source_labels: ['foo'], target_label: 'foo_uppercase', action: 'uppercase' }, { source_labels: ['foo'], target_label: 'foo_lowercase', action: 'lowercase' }])).toEqual({
      foo: 'bAr123Foo',
      foo_lowercase: 'bar123foo',
      foo_uppercase: 'BAR123FOO',
    });
  });
  it('replace with the default regex sets a label from nothing (the fast path) and $$ is a dollar', () => {
    expect(run({}, [{ target_label: 'env', replacement: 'prod' }])).toEqual({ env: 'prod' });
    expect(run({ a: 'x' }, [{ source_labels: ['a'], target_label: 'b', replacement: '$$$1' }])).toEqual({ a: 'x', b: '$x' });
    // Go's Expand: `$1x` is the group named "1x", which does not exist.
    expect(run({ a: 'x' }, [{ source_labels: ['a'], regex: '(?P<v>.*)', target_label: 'b', replacement: '${v}-$1x-$v' }])).toEqual({ a: 'x', b: 'x--x' });
  });
  it('. matches a newline ((?s)), and action names are case-insensitive', () => {
    expect(run({ a: 'foo\nbar' }, [{ source_labels: ['a'], regex: 'foo.bar', action: 'DROP' }])).toBe('dropped');
  });
});

describe('documented examples (prometheus.io <relabel_config>)', () => {
  it('Kubernetes pod labels to target labels, port rewritten into __address__', () => {
    expect(
      run({ __address__: '10.0.0.7:80', __meta_kubernetes_pod_label_app: 'kong', __meta_kubernetes_pod_annotation_prometheus_io_port: '8100' }, [
        { action: 'labelmap', regex: '__meta_kubernetes_pod_label_(.+)' },
        { source_labels: ['__address__', '__meta_kubernetes_pod_annotation_prometheus_io_port'], regex: '([^:]+)(?::\\d+)?;(\\d+)', replacement: '$1:$2', target_label: '__address__' },
      ]),
    ).toEqual({ __address__: '10.0.0.7:8100', __meta_kubernetes_pod_annotation_prometheus_io_port: '8100', __meta_kubernetes_pod_label_app: 'kong', app: 'kong' });
  });
  it('sharding: hashmod then keep', () => {
    const rules = (shard: number) => [
      { source_labels: ['__address__'], modulus: 2, target_label: '__tmp_hash', action: 'hashmod' },
      { source_labels: ['__tmp_hash'], regex: String(shard), action: 'keep' },
    ];
    const kept = (shard: number) => ['a:1', 'b:1', 'c:1', 'd:1'].filter((a) => run({ __address__: a }, rules(shard)) !== 'dropped');
    expect([...kept(0), ...kept(1)].sort()).toEqual(['a:1', 'b:1', 'c:1', 'd:1']);
    expect(kept(0).filter((a) => kept(1).includes(a))).toEqual([]);
  });
});

describe('config errors name the key', () => {
  it('RE2 refuses lookarounds and backreferences', () => {
    expect(errors([{ source_labels: ['a'], regex: 'a(?=b)', action: 'keep' }])[0]).toMatch(/^0\.regex: is not an RE2 regular expression .*\(\?=/);
    expect(errors([{ source_labels: ['a'], regex: '(a)\\1', action: 'keep' }])[0]).toMatch(/^0\.regex: is not an RE2 regular expression .*\\1/);
  });
  it("Validate's rules", () => {
    expect(errors([{ source_labels: ['a'], target_label: 'b', action: 'hashmod' }])).toEqual(['0.modulus: hashmod needs a modulus above 0 (the number of shards), e.g. modulus: 2']);
    expect(errors([{ source_labels: ['a'] }])).toEqual(['0.target_label: action replace needs a target_label (the label it writes)']);
    expect(errors([{ action: 'frobnicate' }])[0]).toMatch(/^0\.action: must be one of replace, keep/);
    expect(errors([{ source_labels: ['a'], target_label: '1x' }])[0]).toMatch(/^0\.target_label: "1x" is not a label name/);
    expect(errors([{ regex: 'a', source_labels: ['b'], action: 'labeldrop' }])).toEqual(['0.source_labels: action labeldrop takes only regex (matched against label names); remove source_labels']);
    expect(errors([{ source_labels: ['a'], target_label: 'b', regex: 'x', action: 'keepequal' }])).toEqual(['0.regex: action keepequal takes only source_labels and target_label; remove regex']);
    expect(errors([{ source_labels: ['a'], target_label: 'b', replacement: 'x', action: 'lowercase' }])).toEqual(['0.replacement: cannot be set for action lowercase; remove it']);
    expect(errors([{ source_labels: ['a-b'], action: 'keep' }])[0]).toMatch(/^0\.source_labels\.0: is not a label name/);
    expect(errors([{ action: 'keep', sauce_labels: ['a'] }])[0]).toMatch(/^0: .*sauce_labels/);
  });
});

describe('YAML scalars', () => {
  it('a number as regex or replacement is its text, as Go reads it into a string', () => {
    expect(run({ __tmp_hash: '1' }, [{ source_labels: ['__tmp_hash'], regex: 1, action: 'keep' }])).toEqual({ __tmp_hash: '1' });
    expect(run({ __tmp_hash: '10' }, [{ source_labels: ['__tmp_hash'], regex: 1, action: 'keep' }])).toBe('dropped');
    expect(run({}, [{ target_label: 'shard', replacement: 3 }])).toEqual({ shard: '3' });
  });
});

describe("Prometheus' documentation/examples/prometheus-kubernetes.yml, through kongtel's target building", () => {
  it('the blackbox ingress probe: __param_target becomes the query, __address__ the probe, instance the probed URL', async () => {
    const config = prometheusReceiverConfigSchema.parse({
      scrape_configs: [
        {
          job_name: 'kubernetes-ingresses',
          metrics_path: '/probe',
          params: { module: ['http_2xx'] },
          static_configs: [{ targets: ['x:1'] }],
          relabel_configs: [
            { source_labels: ['__meta_kubernetes_ingress_annotation_example_io_should_be_probed'], action: 'keep', regex: true },
            { source_labels: ['__meta_kubernetes_ingress_scheme', '__address__', '__meta_kubernetes_ingress_path'], regex: '(.+);(.+);(.+)', replacement: '${1}://${2}${3}', target_label: '__param_target' },
            { target_label: '__address__', replacement: 'blackbox-exporter.example.com:9115' },
            { source_labels: ['__param_target'], target_label: 'instance' },
            { action: 'labelmap', regex: '__meta_kubernetes_ingress_label_(.+)' },
            { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
            { source_labels: ['__meta_kubernetes_ingress_name'], target_label: 'ingress' },
          ],
        },
      ],
    });
    const settings = await jobSettings(config.scrape_configs[0], 'test');
    const group = { source: 'k8s', targets: [], labels: {} };
    const ingress = {
      __address__: 'kong.example.com',
      __meta_kubernetes_ingress_scheme: 'https',
      __meta_kubernetes_ingress_path: '/healthz',
      __meta_kubernetes_ingress_label_app: 'kong',
      __meta_kubernetes_namespace: 'kong',
      __meta_kubernetes_ingress_name: 'gateway',
    };
    expect(buildTarget(settings, discoveredLabels(settings, ingress, group))).toEqual({ dropped: 'relabel' });
    const built = buildTarget(settings, discoveredLabels(settings, { ...ingress, __meta_kubernetes_ingress_annotation_example_io_should_be_probed: 'true' }, group));
    if (!('key' in built)) throw new Error(`dropped: ${JSON.stringify(built)}`);
    expect({ host: built.target.host, port: built.target.port, path: built.target.path, instance: built.target.instance, labels: built.target.staticLabels }).toEqual({
      host: 'blackbox-exporter.example.com',
      port: 9115,
      path: '/probe?module=http_2xx&target=https%3A%2F%2Fkong.example.com%2Fhealthz',
      instance: 'https://kong.example.com/healthz',
      labels: { app: 'kong', ingress: 'gateway', namespace: 'kong' },
    });
  });
});
