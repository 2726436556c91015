import type { z } from 'zod';
import { joinPath, type ConfigIssue } from './errors.js';

/**
 * Turns zod's issues into key-path messages. Unknown keys get a did-you-mean from the schema's own
 * keys at that place, so `endpont` → `unknown key (did you mean "endpoint"?)`. A value at a path in
 * `hidden` (it came from the environment) is described by its kind only, never shown.
 */
export function zodIssuesToConfigIssues(base: string, schema: z.ZodType, error: z.ZodError, hidden: ReadonlySet<string> = new Set()): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    let path = base;
    for (const seg of issue.path) path = joinPath(path, typeof seg === 'number' ? seg : String(seg));
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const guess = closest(key, known);
        out.push({
          path: joinPath(path, key),
          message: guess ? `unknown key (did you mean "${guess}"?)` : `unknown key${known.length ? ` (expected one of: ${known.join(', ')})` : ''}`,
        });
      }
      continue;
    }
    out.push({ path, message: describe(issue, hidden.has(path)) });
  }
  return out;
}

function describe(issue: z.core.$ZodIssue, hideValue: boolean): string {
  if (issue.code === 'invalid_type') {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return `required (expected ${issue.expected})`;
    return `expected ${issue.expected}, got ${kindOf(received, hideValue)}`;
  }
  if (issue.code === 'invalid_value') {
    return `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (issue.code === 'invalid_union') {
    // Unions here are "number or string" shapes (durations, sizes): say what both accept.
    return issue.message === 'Invalid input' ? 'invalid value' : issue.message;
  }
  return issue.message;
}

function kindOf(v: unknown, hideValue: boolean): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return hideValue ? `a ${typeof v}` : `${typeof v} ${JSON.stringify(v)}`;
}

interface SchemaDef {
  type?: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
}

function def(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Walks the schema along a path (through defaults, optionals, pipes, arrays, records) to list object keys. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = schema;
  let i = 0;
  while (current) {
    const d = def(current);
    if (d.innerType) current = d.innerType;
    else if (d.type === 'pipe' && d.in) current = d.in;
    else if (d.type === 'object' && d.shape) {
      if (i === path.length) return Object.keys(d.shape);
      current = d.shape[String(path[i++])];
    } else if (d.type === 'array' && d.element) {
      i++;
      current = d.element;
    } else if (d.type === 'record' && d.valueType) {
      i++;
      current = d.valueType;
    } else if (d.type === 'union' && d.options) {
      current = d.options.find((o) => def(o).type === 'object' || def(o).innerType !== undefined);
    } else return [];
  }
  return [];
}

/** The known key nearest to `key` by edit distance, when near enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}
