/**
 * What `print-config` must never show: values that came from `${env:…}` (that is where secrets belong)
 * and values under keys that name a secret, wherever they sit in the tree.
 */
const SECRET_KEY = /(authorization|api[-_]?token|api[-_]?key|password|passwd|secret|bearer_token|token|private[-_]?key|cookie)/i;
export const REDACTED = '[REDACTED]';

export function redactConfig(tree: unknown, fromEnv: ReadonlySet<string>, path = ''): unknown {
  if (fromEnv.has(path) && path !== '') return REDACTED;
  if (Array.isArray(tree)) return tree.map((v, i) => redactConfig(v, fromEnv, `${path}[${i}]`));
  if (typeof tree === 'object' && tree !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) {
      const childPath = path ? `${path}.${k}` : k;
      out[k] = SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : redactConfig(v, fromEnv, childPath);
    }
    return out;
  }
  return tree;
}
