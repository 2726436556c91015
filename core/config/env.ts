import { defineKey } from '../redact.js';
import { joinPath, type ConfigIssue } from './errors.js';

/**
 * `${env:NAME}` substitution in every string of the parsed YAML tree, as the OTel Collector's confmap
 * does it (opentelemetry-collector@934999f, confmap/expand.go, confmap/provider/envprovider,
 * docs/rfcs/env-vars.md):
 * - `${NAME}` is `${env:NAME}` (otelcol sets the default scheme to env); other schemes are refused;
 * - `${env:NAME:-default}`: the default runs to the first `}` and may hold references of its own;
 * - `$$` is a literal `$` (so `$${env:X}` is the text `${env:X}`);
 * - names are `[A-Za-z_][A-Za-z0-9_]*`; anything else after `${` is an error with its key path;
 * - an unset variable without a default becomes "" (reported, so the CLI can warn); so does an empty one
 *   with a default (kongtel has always read `:-` as the shell does: unset or empty).
 *
 * A variable's value is text, inserted as it is and never read as YAML or searched for references, so a
 * token starting with `*`, `@`, `"`, `[`… stays that token. The one exception is the Collector's typed
 * expansion: a field that is exactly one reference whose text is a YAML 1.2 core-schema int, float or
 * bool becomes that number or boolean (`port: ${env:PORT}`), and the loader falls back to the text where
 * the schema wants a string (docs/rfcs/env-vars.md, "Type casting rules"). That reading is a regular
 * expression match: it never throws. Unlike yaml.v3, `0123` is the decimal 123 (YAML 1.2, not 1.1).
 */

export type Env = Readonly<Record<string, string | undefined>>;

export interface Substitution {
  /** The config tree with every reference replaced. */
  readonly value: unknown;
  /** Key paths whose value came (partly) from `${…}`: print-config redacts them. */
  readonly fromEnv: ReadonlySet<string>;
  /** For each such path, the variables its value was built from (for error messages). */
  readonly variables: ReadonlyMap<string, readonly string[]>;
  /** Paths whose whole value was one reference read as a number or boolean, with the variable's text. */
  readonly typedFromEnv: ReadonlyMap<string, string>;
  /** Variables referenced without a default that are not set. */
  readonly unset: readonly { path: string; variable: string }[];
  /** Every non-empty value taken from the environment: no message may show one. */
  readonly secrets: readonly { variable: string; text: string }[];
  /** References that cannot be substituted (bad names, unclosed, other schemes, in keys). */
  readonly issues: readonly ConfigIssue[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

class ReferenceProblem extends Error {}

/** YAML 1.2.2 core schema, §10.3.2: the plain scalars that resolve to bool, int and float. */
const CORE_BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const CORE_FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

export function typedScalar(text: string): number | boolean | undefined {
  if (CORE_BOOL.test(text)) return text.toLowerCase() === 'true';
  if (CORE_INT.test(text)) return text.startsWith('0o') ? parseInt(text.slice(2), 8) : Number(text);
  if (CORE_FLOAT.test(text)) {
    const t = text.toLowerCase();
    if (t.endsWith('.nan')) return NaN;
    if (t.endsWith('.inf')) return t.startsWith('-') ? -Infinity : Infinity;
    return Number(text);
  }
  return undefined;
}

export function substituteEnv(tree: unknown, env: Env): Substitution {
  const fromEnv = new Set<string>();
  const variables = new Map<string, string[]>();
  const unset: { path: string; variable: string }[] = [];
  const typedFromEnv = new Map<string, string>();
  const secrets = new Map<string, { variable: string; text: string }>();
  const issues: ConfigIssue[] = [];

  const substituteString = (s: string, path: string): unknown => {
    if (!s.includes('$')) return s;
    const used: string[] = [];
    let i = 0;
    let whole = false;

    // `evaluate` is false inside a default that is not used: its syntax is checked, nothing is looked up.
    const text = (inDefault: boolean, evaluate: boolean): string => {
      let out = '';
      while (i < s.length) {
        const c = s[i];
        if (c === '$' && s[i + 1] === '$') {
          out += '$';
          i += 2;
        } else if (c === '$' && s[i + 1] === '{') {
          const start = i;
          const value = reference(evaluate);
          if (!inDefault && start === 0 && i === s.length) whole = true;
          out += value;
        } else if (inDefault && c === '}') {
          return out;
        } else {
          out += c;
          i++;
        }
      }
      if (inDefault) throw new ReferenceProblem('a default (after ":-") is not closed with "}"');
      return out;
    };

    const reference = (evaluate: boolean): string => {
      i += 2;
      let j = i;
      while (j < s.length && s[j] !== '}' && !(s[j] === ':' && s[j + 1] === '-') && !(s[j] === '$' && s[j + 1] === '{')) j++;
      const head = s.slice(i, j);
      if (j >= s.length) throw new ReferenceProblem(`"\${${clip(head)}" is not closed with "}" (write $\${ for a literal "\${")`);
      if (s[j] === '$') throw new ReferenceProblem(`"\${${clip(head)}\${…": a variable name cannot itself be a reference`);
      const colon = head.indexOf(':');
      const scheme = colon < 0 ? 'env' : head.slice(0, colon);
      const name = colon < 0 ? head : head.slice(colon + 1);
      if (scheme !== 'env') throw new ReferenceProblem(`"\${${clip(head)}}": only \${env:NAME} is substituted (write $\${ for a literal "\${")`);
      if (!NAME.test(name)) {
        throw new ReferenceProblem(`"\${${clip(head)}}": "${clip(name)}" is not a variable name (letters, digits and _, not starting with a digit; write $\${ for a literal "\${")`);
      }
      i = j;
      const value = evaluate ? env[name] : undefined;
      const useValue = evaluate && value !== undefined && value !== '';
      let fallback: string | undefined;
      if (s[i] === ':') {
        i += 2;
        fallback = text(true, evaluate && !useValue);
      }
      i++; // the closing brace
      if (!evaluate) return '';
      used.push(name);
      if (useValue) {
        secrets.set(`${name}\u0000${value}`, { variable: name, text: value });
        return value;
      }
      if (fallback !== undefined) return fallback;
      if (value === undefined) unset.push({ path, variable: name });
      return '';
    };

    let out: string;
    try {
      out = text(false, true);
    } catch (err) {
      if (!(err instanceof ReferenceProblem)) throw err;
      issues.push({ path, message: err.message });
      return s;
    }
    if (used.length > 0) {
      fromEnv.add(path);
      variables.set(path, [...new Set(used)]);
    }
    if (whole && out !== '') {
      const scalar = typedScalar(out);
      if (scalar !== undefined) {
        typedFromEnv.set(path, out);
        return scalar;
      }
    }
    return out;
  };

  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'string') return substituteString(v, path);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, joinPath(path, i)));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        const at = joinPath(path, k);
        if (/\$\{/.test(k.replace(/\$\$/g, ''))) {
          issues.push({ path: at, message: 'a key is never substituted: ${…} works in values only (write $${ for a literal "${")' });
        }
        defineKey(out, k, walk(item, at));
      }
      return out;
    }
    return v;
  };

  const value = walk(tree, '');
  return { value, fromEnv, variables, typedFromEnv, unset, secrets: [...secrets.values()], issues };
}

/** References are file text, not secrets; a long one is cut so the message stays readable. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
