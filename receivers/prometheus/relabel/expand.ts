import type { RelabelRegex } from './regex.js';

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

/**
 * Go's `Regexp.Expand` (the `replacement` and `target_label` templates of a relabel rule): `$1`, `${1}`,
 * `$name`, `${name}` insert a group (empty when it took no part or does not exist), `$$` is a `$`. As in
 * Go, `$name` takes the longest run of letters, digits and `_`, so `$1x` is the group named `1x` (empty):
 * write `${1}x`. A `$` not followed by a name is kept as it is. Hand-written because no library expands
 * Go's template form (JavaScript's `$<name>` and `$10` rules differ).
 */
export function expand(template: string, re: RelabelRegex, groups: readonly (string | undefined)[]): string {
  if (!template.includes('$')) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const dollar = template.indexOf('$', i);
    if (dollar < 0) break;
    out += template.slice(i, dollar);
    i = dollar + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    const ref = reference(template, i);
    if (ref === undefined) {
      out += '$';
      continue;
    }
    i = ref.end;
    const index = ref.number ?? re.groupIndex(ref.name);
    if (index !== undefined) out += groups[index] ?? '';
  }
  return out + template.slice(i);
}

interface Reference {
  readonly name: string;
  /** The group number when the name is one (no leading zero), else undefined. */
  readonly number: number | undefined;
  readonly end: number;
}

function reference(t: string, at: number): Reference | undefined {
  const brace = t[at] === '{';
  let i = brace ? at + 1 : at;
  const start = i;
  for (const ch of t.slice(start)) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === start) return undefined;
  const name = t.slice(start, i);
  if (brace) {
    if (t[i] !== '}') return undefined;
    i++;
  }
  const number = /^(?:0|[1-9][0-9]{0,7})$/.test(name) ? Number(name) : undefined;
  return { name, number, end: i };
}
