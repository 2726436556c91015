import { redactUrls } from './redact.js';

/**
 * Errors that travel back up a pipeline through `consume()`'s rejected promise. A receiver maps them
 * to its protocol: back-pressure → 503 + Retry-After (Kong's queue retries anything ≥ 400), bad data → 400.
 */

/** Downstream is full or over its memory limit: the caller should retry later. Nothing was kept. */
export class BackPressureError extends Error {
  override readonly name = 'BackPressureError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
  }
}

/** The data can never be accepted (malformed, refused by a backend): retrying would not help. */
export class PermanentError extends Error {
  override readonly name = 'PermanentError';
}

export function isBackPressure(err: unknown): err is BackPressureError {
  return err instanceof BackPressureError;
}

/** An error's text as kongtel shows it (logs, answers, start-up failures): URL credentials redacted. */
export function errorMessage(err: unknown): string {
  return redactUrls(err instanceof Error ? err.message : String(err));
}
