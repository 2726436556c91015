import type { z } from 'zod';
import { ConfigError, formatIssue, parseConfig } from '../../core/index.js';
import { FACTORIES } from '../../cmd/components.js';
import { zodIssuesToConfigIssues } from '../../core/config/zod_issues.js';

/**
 * What a user reads when a config is refused, for tests that assert the exact messages (key path
 * first, then the fix).
 */

/** The messages of the ConfigError `load` throws; [] when it loads. Any other throw fails the test with what it was. */
export function configIssues(load: () => unknown): string[] {
  try {
    load();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map(formatIssue);
  }
  return [];
}

/** The messages a user reads when kongtel's own components load `yaml` (a whole pipelines file, with `env` for `${env:…}`); [] when it loads. */
export function pipelineIssues(yaml: string, env: Record<string, string> = {}): string[] {
  return configIssues(() => parseConfig(yaml, 'pipelines.yaml', FACTORIES, env));
}

/**
 * A component's schema on `config`, as the config loader reports it under `base` (`processors.batch`);
 * `reportInput` as the loader parses (each issue carries the value it refused).
 */
export function schemaIssues(schema: z.ZodType, base: string, config: unknown, options: { reportInput?: boolean } = {}): string[] {
  const r = options.reportInput ? schema.safeParse(config, { reportInput: true }) : schema.safeParse(config);
  if (r.success) return [];
  return zodIssuesToConfigIssues(base, schema, r.error).map(formatIssue);
}

/** zod's own `path: message` for each issue, before the loader words them (the schema alone under test). */
export function zodMessages(schema: z.ZodType, config: unknown): string[] {
  const r = schema.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** Whether `schema` refuses `config`, and the issue it reports at `path` ('' for the object itself), with all its issues to print. */
export function issueAt(schema: z.ZodType, config: unknown, path: string): { refused: boolean; issue: z.core.$ZodIssue | undefined; issues: z.core.$ZodIssue[] } {
  const r = schema.safeParse(config);
  const issues = r.error?.issues ?? [];
  return { refused: !r.success, issue: issues.find((i) => i.path.join('.') === path), issues };
}
