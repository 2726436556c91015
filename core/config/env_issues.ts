import type { ConfigIssue } from './errors.js';
import type { Substitution } from './env.js';

/**
 * No config message may show a value taken from the environment. Messages about a value from `${env:…}`
 * name the variable instead; and every message (a component's cross-field check may quote a sibling, a
 * regular expression error quotes the pattern) is scrubbed of every substituted value as a last resort.
 */

export type EnvOrigin = Pick<Substitution, 'variables' | 'unset' | 'secrets'>;

/** Values this short are words ("true", "80") a message template may hold itself; quoted, they still go. */
const MIN_BARE_LENGTH = 4;

/** `issue`, scrubbed, with where its value came from when that was the environment. */
export function explainEnv(issue: ConfigIssue, origin: EnvOrigin): ConfigIssue {
  const message = scrubEnvValues(issue.message, origin);
  const names = origin.variables.get(issue.path);
  if (names === undefined || names.length === 0) return { path: issue.path, message };
  const isUnset = (n: string) => origin.unset.some((u) => u.path === issue.path && u.variable === n);
  // A message that already names every variable in place of its value says enough.
  if (names.every((n) => message.includes(`\${env:${n}}`) && !isUnset(n))) return { path: issue.path, message };
  const parts = names.map((n) => `\${env:${n}}${isUnset(n) ? ', which is not set' : ''}`);
  return { path: issue.path, message: `${message} (its value comes from ${parts.join(' and ')})` };
}

export function scrubEnvValues(text: string, origin: Pick<Substitution, 'secrets'>): string {
  // Longest first, through placeholders, so a short value never matches inside a longer one's name.
  const ordered = [...origin.secrets].sort((a, b) => b.text.length - a.text.length);
  // A marker that occurs in neither the message nor any value (a private-use character).
  let code = 0xe000;
  while (text.includes(String.fromCharCode(code)) || ordered.some((s) => s.text.includes(String.fromCharCode(code)))) code++;
  const mark = String.fromCharCode(code);
  let out = text;
  ordered.forEach((s, n) => {
    const quoted = JSON.stringify(s.text);
    const forms = new Set([quoted]);
    for (const bare of [s.text, quoted.slice(1, -1), s.text.trim()]) if (bare.length >= MIN_BARE_LENGTH) forms.add(bare);
    for (const form of [...forms].sort((a, b) => b.length - a.length)) out = out.split(form).join(`${mark}${n}${mark}`);
  });
  return out.replace(new RegExp(`${mark}(\\d+)${mark}`, 'g'), (_, n: string) => `\${env:${ordered[Number(n)].variable}}`);
}
