import { z } from 'zod';
import { RelabelRegex } from './regex.js';

/**
 * One `relabel_configs` / `metric_relabel_configs` entry with Prometheus' keys, defaults and checks
 * (prometheus/prometheus model/relabel/relabel.go at d15adb9a: `DefaultRelabelConfig`, `Validate`), for
 * the legacy label-name charset Prometheus 2 uses (`[a-zA-Z_][a-zA-Z0-9_]*`), which every target of
 * OTel attributes and kongtel's prometheus exporter accepts.
 */

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;
export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** relabel.go's `relabelTargetLegacy`: a label name that may hold `$1` / `${name}` references. */
const TEMPLATED_LABEL_NAME = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

const DEFAULT_SEPARATOR = ';';
const DEFAULT_REGEX = '(.*)';
const DEFAULT_REPLACEMENT = '$1';

/** A checked rule, ready to apply. */
export interface RelabelRule {
  readonly action: RelabelAction;
  readonly sourceLabels: readonly string[];
  readonly separator: string;
  readonly regex: RelabelRegex;
  /** The regex key was not written: `replace` may then set a label from an empty value (relabel.go's fast path). */
  readonly regexIsDefault: boolean;
  readonly modulus: number;
  readonly targetLabel: string;
  readonly replacement: string;
}

/** Go's YAML decoder reads a scalar into a string field as written (`regex: 1` is "1"): so do we. */
const scalarText = (what: string) =>
  z.union([z.string(), z.number().transform(String), z.boolean().transform(String)], { message: `must be a string (${what})` });

const labelName = z.string().regex(LABEL_NAME, 'is not a label name: letters, digits and _, not starting with a digit');

const input = z.strictObject({
  source_labels: z.array(labelName).optional(),
  separator: z.string().optional(),
  target_label: z.string().optional(),
  regex: scalarText('a regular expression').optional(),
  modulus: z.number().int('must be a whole number').positive('must be above 0').max(Number.MAX_SAFE_INTEGER).optional(),
  replacement: scalarText('the value to write, e.g. "$1"').optional(),
  action: z
    .string()
    .transform((a) => a.toLowerCase())
    .pipe(z.enum(RELABEL_ACTIONS, { message: `must be one of ${RELABEL_ACTIONS.join(', ')}` }))
    .optional(),
});
type Input = z.output<typeof input>;

const NEEDS_TARGET: ReadonlySet<RelabelAction> = new Set(['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);
const FIXED_REPLACEMENT: ReadonlySet<RelabelAction> = new Set(['lowercase', 'uppercase', 'keepequal', 'dropequal']);

/** Prometheus' `Validate`, as issues on the keys a user must change. */
function check(c: Input, ctx: z.RefinementCtx): void {
  const action = c.action ?? 'replace';
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (c.regex !== undefined) {
    const re = RelabelRegex.compile(c.regex);
    if (typeof re === 'string') issue('regex', re);
  }
  if (action === 'hashmod' && c.modulus === undefined) issue('modulus', 'hashmod needs a modulus above 0 (the number of shards), e.g. modulus: 2');
  const target = c.target_label ?? '';
  if (NEEDS_TARGET.has(action) && target === '') {
    issue('target_label', `action ${action} needs a target_label (the label it writes)`);
  } else if (action === 'replace' && !(target.includes('$') ? TEMPLATED_LABEL_NAME : LABEL_NAME).test(target)) {
    issue('target_label', `"${target}" is not a label name (letters, digits and _, with $1 / \${name} references allowed)`);
  } else if (action !== 'replace' && NEEDS_TARGET.has(action) && !LABEL_NAME.test(target)) {
    issue('target_label', `"${target}" is not a label name: letters, digits and _, not starting with a digit`);
  }
  if (FIXED_REPLACEMENT.has(action) && c.replacement !== undefined && c.replacement !== DEFAULT_REPLACEMENT) {
    issue('replacement', `cannot be set for action ${action}; remove it`);
  }
  if (action === 'labelmap' && !TEMPLATED_LABEL_NAME.test(c.replacement ?? DEFAULT_REPLACEMENT)) {
    issue('replacement', `"${c.replacement}" is not a label name template for labelmap (e.g. "$1" or "k8s_$1")`);
  }
  if (action === 'keepequal' || action === 'dropequal') {
    for (const key of ['regex', 'modulus', 'separator', 'replacement'] as const) {
      if (c[key] !== undefined && !(key === 'separator' && c.separator === DEFAULT_SEPARATOR)) {
        issue(key, `action ${action} takes only source_labels and target_label; remove ${key}`);
      }
    }
  }
  if (action === 'labeldrop' || action === 'labelkeep') {
    for (const key of ['source_labels', 'target_label', 'modulus', 'separator', 'replacement'] as const) {
      if (c[key] !== undefined && !(key === 'separator' && c.separator === DEFAULT_SEPARATOR)) {
        issue(key, `action ${action} takes only regex (matched against label names); remove ${key}`);
      }
    }
  }
}

function resolve(c: Input): RelabelRule {
  const regex = RelabelRegex.compile(c.regex ?? DEFAULT_REGEX);
  if (typeof regex === 'string') throw new Error(`unreachable: regex checked above (${regex})`);
  return {
    action: c.action ?? 'replace',
    sourceLabels: c.source_labels ?? [],
    separator: c.separator ?? DEFAULT_SEPARATOR,
    regex,
    regexIsDefault: c.regex === undefined,
    modulus: c.modulus ?? 0,
    targetLabel: c.target_label ?? '',
    replacement: c.replacement ?? DEFAULT_REPLACEMENT,
  };
}

export const relabelRuleSchema: z.ZodType<RelabelRule, unknown> = input.superRefine(check).transform(resolve);

export const relabelConfigsSchema = z.array(relabelRuleSchema).default([]);
