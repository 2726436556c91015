import { parse as parseYamlScalar } from 'yaml';

/**
 * `${env:VAR}` and `${env:VAR:-default}` substitution in every string of the parsed YAML tree, as the
 * OTel Collector's confmap does it: `$$` escapes a literal `$`; an unset variable without a default
 * becomes the empty string (and is reported, so the CLI can warn); a value that is exactly one reference
 * is re-read as a YAML scalar, so `port: ${env:PORT}` yields a number.
 */

const REFERENCE = /\$\$|\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/;

export interface Substitution {
  /** The config tree with every reference replaced. */
  readonly value: unknown;
  /** Key paths whose value came (partly) from the environment: print-config redacts them. */
  readonly fromEnv: ReadonlySet<string>;
  /** Paths whose whole value was one reference read as a number or boolean, with the variable's text. */
  readonly typedFromEnv: ReadonlyMap<string, string>;
  /** Variables referenced without a default that are not set. */
  readonly unset: readonly { path: string; variable: string }[];
}

export type Env = Readonly<Record<string, string | undefined>>;

export function substituteEnv(tree: unknown, env: Env): Substitution {
  const fromEnv = new Set<string>();
  const unset: { path: string; variable: string }[] = [];
  const typedFromEnv = new Map<string, string>();

  const substituteString = (s: string, path: string): unknown => {
    if (!s.includes('$')) return s;
    const whole = WHOLE_REFERENCE.exec(s);
    let touched = false;
    const out = s.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
      if (match === '$$') return '$';
      touched = true;
      const v = env[name as string];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      if (v === undefined) unset.push({ path, variable: name as string });
      return '';
    });
    if (touched) fromEnv.add(path);
    if (whole && out !== '') {
      const scalar: unknown = parseYamlScalar(out);
      if (typeof scalar === 'number' || typeof scalar === 'boolean') {
        typedFromEnv.set(path, out);
        return scalar;
      }
    }
    return out;
  };

  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') return substituteString(v, path);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${path}[${i}]`));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, path ? `${path}.${k}` : k);
      return out;
    }
    return v;
  };

  return { value: walk(tree, ''), fromEnv, typedFromEnv, unset };
}
