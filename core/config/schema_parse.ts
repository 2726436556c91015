import type { z } from 'zod';
import { errorMessage } from '../errors.js';
import { joinPath, type ConfigIssue } from './errors.js';
import type { Substitution } from './env.js';
import { zodIssuesToConfigIssues } from './zod_issues.js';

export type Parsed<T> = { readonly ok: true; readonly data: T } | { readonly ok: false; readonly issues: readonly ConfigIssue[] };

/**
 * One schema (a component's, the service's, a pipeline's) over its part of the tree at `path`.
 *
 * A field that is exactly one `${env:…}` reads as a number or boolean when its text looks like one; as
 * the Collector's decode hook does (confmap/internal/decoder.go, `useExpandValue`), where that value is
 * refused the variable's text is tried instead, so `path: ${env:ID}` with ID=123 is the string "123".
 *
 * A schema that throws (a component's own check with a bug in it) yields a config error at `path`, not
 * a stack trace: config loading reports, it never crashes.
 */
export function parseAt<T>(schema: z.ZodType<T>, raw: unknown, path: string, sub: Pick<Substitution, 'typedFromEnv' | 'fromEnv'>): Parsed<T> {
  let input = raw;
  const retried = new Set<string>();
  for (;;) {
    let parsed: z.ZodSafeParseResult<T>;
    try {
      parsed = schema.safeParse(input, { reportInput: true });
    } catch (err) {
      return {
        ok: false,
        issues: [{ path, message: `could not be checked (${err instanceof Error ? err.name : 'error'}: ${errorMessage(err)}); this is a bug in kongtel, please report it` }],
      };
    }
    if (parsed.success) return { ok: true, data: parsed.data };
    const asText = parsed.error.issues
      .map((i) => ({ at: i.path, full: i.path.reduce<string>((p, k) => joinPath(p, typeof k === 'number' ? k : String(k)), path) }))
      .filter((i) => sub.typedFromEnv.has(i.full) && !retried.has(i.full));
    if (asText.length === 0) return { ok: false, issues: zodIssuesToConfigIssues(path, schema, parsed.error, sub.fromEnv) };
    input = structuredClone(input);
    for (const i of asText) {
      retried.add(i.full);
      const text = sub.typedFromEnv.get(i.full) as string;
      if (i.at.length === 0) input = text;
      else setAt(input, i.at, text);
    }
  }
}

function setAt(tree: unknown, path: readonly PropertyKey[], value: string): void {
  let node = tree as Record<PropertyKey, unknown>;
  for (let i = 0; i < path.length - 1; i++) node = node[path[i]] as Record<PropertyKey, unknown>;
  node[path[path.length - 1]] = value;
}
