import { redactUrls } from '../redact.js';

/** One problem in a config file, at a YAML key path such as `exporters.prometheus.endpoint`. */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

export function formatIssue(issue: ConfigIssue): string {
  return issue.path ? `${issue.path}: ${issue.message}` : issue.message;
}

/**
 * Every problem found in a config, collected before giving up, so the user fixes them in one pass. A URL
 * a message quotes loses its credentials here, whichever check wrote the message.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  constructor(
    readonly file: string,
    issues: readonly ConfigIssue[],
  ) {
    const shown = issues.map((i) => ({ path: redactUrls(i.path), message: redactUrls(i.message) }));
    super(`${file}: ${shown.length} config error${shown.length === 1 ? '' : 's'}:\n${shown.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    this.issues = shown;
  }
}

/** `a.b` + `c` → `a.b.c`; `a.b` + 0 → `a.b[0]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${key}` : key;
}
