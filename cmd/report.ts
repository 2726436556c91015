import { ConfigError, errorMessage } from '../core/index.js';

/**
 * How any subcommand reports a failure on stderr: a config error as its list of key-path messages, and
 * anything else as one line (URL credentials redacted, no stack trace: a stack quotes whatever values
 * were in the failing code's hands). Returns the exit code.
 */
export function reportFailure(err: unknown): number {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`kongtel: ${err instanceof Error ? `${err.name}: ` : ''}${errorMessage(err)}\n`);
  return 1;
}
