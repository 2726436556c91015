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
      out[k] = SECRET_KEY.test(k) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : k === 'headers' ? redactValues(v) : redactConfig(v, fromEnv, childPath);
    }
    return out;
  }
  return tree;
}

/** Header maps carry credentials under any name (`X-Api-Key`, `DD-API-KEY`…): show names, never values. */
function redactValues(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return headers;
  return Object.fromEntries(Object.keys(headers).map((k) => [k, REDACTED]));
}
