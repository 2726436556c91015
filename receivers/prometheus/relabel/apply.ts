import { expand } from './expand.js';
import { hashmod } from './hashmod.js';
import { LABEL_NAME, type RelabelRule } from './schema.js';

/** A label set being relabelled: name → value; a label set to "" is absent, as in Prometheus. */
export type LabelMap = Map<string, string>;

/**
 * Applies `rules` in order to `labels` (changed in place), as Prometheus' `relabel.ProcessBuilder`
 * (model/relabel/relabel.go at d15adb9a). False when a `keep`, `drop`, `keepequal` or `dropequal`
 * rule drops the set; the remaining rules are then not applied. Pure: no I/O, never throws.
 */
export function relabel(labels: LabelMap, rules: readonly RelabelRule[]): boolean {
  for (const rule of rules) if (!applyRule(labels, rule)) return false;
  return true;
}

function set(labels: LabelMap, name: string, value: string): void {
  if (value === '') labels.delete(name);
  else labels.set(name, value);
}

function applyRule(labels: LabelMap, rule: RelabelRule): boolean {
  const value = rule.sourceLabels.map((n) => labels.get(n) ?? '').join(rule.separator);
  switch (rule.action) {
    case 'drop':
      return !rule.regex.matches(value);
    case 'keep':
      return rule.regex.matches(value);
    case 'dropequal':
      return (labels.get(rule.targetLabel) ?? '') !== value;
    case 'keepequal':
      return (labels.get(rule.targetLabel) ?? '') === value;
    case 'replace':
      replace(labels, rule, value);
      return true;
    case 'lowercase':
      set(labels, rule.targetLabel, value.toLowerCase());
      return true;
    case 'uppercase':
      set(labels, rule.targetLabel, value.toUpperCase());
      return true;
    case 'hashmod':
      set(labels, rule.targetLabel, hashmod(value, rule.modulus));
      return true;
    case 'labelmap':
      // Over a snapshot: labels the rule adds are not mapped again (Builder.Range copies too).
      for (const [name, v] of [...labels]) {
        const groups = rule.regex.groups(name);
        if (groups !== undefined) set(labels, expand(rule.replacement, rule.regex, groups), v);
      }
      return true;
    case 'labeldrop':
      for (const name of [...labels.keys()]) if (rule.regex.matches(name)) labels.delete(name);
      return true;
    case 'labelkeep':
      for (const name of [...labels.keys()]) if (!rule.regex.matches(name)) labels.delete(name);
      return true;
  }
}

function replace(labels: LabelMap, rule: RelabelRule, value: string): void {
  // relabel.go's fast path: an empty value with the default regex sets (or removes) the label as written.
  if (value === '' && rule.regexIsDefault && !rule.targetLabel.includes('$') && !rule.replacement.includes('$')) {
    set(labels, rule.targetLabel, rule.replacement);
    return;
  }
  const groups = rule.regex.groups(value);
  if (groups === undefined) return;
  const target = expand(rule.targetLabel, rule.regex, groups);
  if (!LABEL_NAME.test(target)) return;
  set(labels, target, expand(rule.replacement, rule.regex, groups));
}
