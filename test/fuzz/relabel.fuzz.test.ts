import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import { relabel } from '../../receivers/prometheus/relabel/apply.js';
import { expand } from '../../receivers/prometheus/relabel/expand.js';
import { RelabelRegex } from '../../receivers/prometheus/relabel/regex.js';
import { relabelConfigsSchema, RELABEL_ACTIONS } from '../../receivers/prometheus/relabel/schema.js';

/**
 * Relabelling against hostile configs and label sets: any regex text (RE2 syntax fragments, lookarounds,
 * backreferences, unbalanced groups, huge repetitions) is either a rule or config issues, never a throw;
 * any rule over any label set never throws, leaves only non-empty values, and a regex on a 100 KB value
 * answers fast (re2js is linear: no backtracking blow-up, e.g. `(a+)+$` on "aaaa…b").
 */
const RUNS = Math.max(300, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 5));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const OPTIONS = { seed: SEED, numRuns: RUNS, endOnFailure: true };

const fragment = fc.constantFrom('(', ')', '(?=a)', '(?!a)', '(?<=a)', '\\1', '(?P<n>', '(?<n>', '[', ']', '[[:alpha:]]', '\\pL', '\\p{Greek}', '*', '+', '?', '{2,}', '{1000}', '.', '|', '^', '$', '\\', '\\d', '\\z', '(?i)', '(?s)', '(?U)', 'a', 'é', '😀', ';');
const regexText = fc.oneof(fc.array(fragment, { maxLength: 8 }).map((a) => a.join('')), fc.string({ maxLength: 16 }));
const labelName = fc.constantFrom('a', 'b', '__address__', '__meta_x', '__name__', 'job', 'le', '__tmp_hash');
const labelValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', 'foo', '127.0.0.1:8100', 'a\nb', '$1'));
const rule = fc.record(
  {
    source_labels: fc.array(labelName, { maxLength: 3 }),
    separator: fc.constantFrom(';', '', '$'),
    target_label: fc.oneof(labelName, fc.constantFrom('$1', '${1}x', 'x_$n', '')),
    regex: regexText,
    modulus: fc.integer({ min: 1, max: 2 ** 40 }),
    replacement: fc.oneof(fc.constantFrom('$1', '${1}', '$$', '$', '${', '$n$1', ''), fc.string({ maxLength: 6 })),
    action: fc.constantFrom(...RELABEL_ACTIONS),
  },
  { requiredKeys: ['action'] },
);

describe('relabel: hostile configs and label sets', () => {
  it('any regex text compiles or is refused with a message, never a throw', () => {
    fc.assert(
      fc.property(regexText, (re) => {
        const r = RelabelRegex.compile(re);
        if (typeof r === 'string') expect(r).toMatch(/^is not an RE2 regular expression/);
        else expect(() => expand('$1${n}$$', r, r.groups('') ?? [])).not.toThrow();
      }),
      OPTIONS,
    );
  });

  it('any rule list parses to rules or issues; any label set relabels without a throw and without empty values', () => {
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 4 }), fc.dictionary(labelName, labelValue), (rules, labels) => {
        const parsed = relabelConfigsSchema.safeParse(rules);
        if (!parsed.success) {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
          return;
        }
        const map = new Map(Object.entries(labels).filter(([, v]) => v !== ''));
        relabel(map, parsed.data);
        for (const v of map.values()) expect(v).not.toBe('');
      }),
      OPTIONS,
    );
  });

  it('catastrophic-backtracking patterns stay linear on a 100 KB value', () => {
    const rules = relabelConfigsSchema.parse([{ source_labels: ['a'], regex: '(a+)+$', action: 'keep' }, { source_labels: ['a'], regex: '(a|aa)*c', target_label: 'b' }]);
    const began = performance.now();
    expect(relabel(new Map([['a', `${'a'.repeat(100_000)}b`]]), rules)).toBe(false);
    expect(performance.now() - began).toBeLessThan(2_000);
  });
});
