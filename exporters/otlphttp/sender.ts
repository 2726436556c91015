import type { Clock, CounterHandle, Logger } from '../../core/index.js';
import { Backoff } from './backoff.js';
import type { RetryConfig } from './config.js';
import type { EncodedRequest } from './encode.js';
import type { AttemptOutcome } from './http_client.js';

export type SendResult =
  | { readonly kind: 'sent'; readonly rejectedPoints: number; readonly errorMessage: string }
  | { readonly kind: 'permanent'; readonly status: number; readonly message: string }
  /** Retryable failures until retries ran out (or retry is disabled): `reason` is the last one. */
  | { readonly kind: 'exhausted'; readonly reason: string }
  /** Shutdown cut the attempt or the wait short; the request was not settled either way. */
  | { readonly kind: 'aborted' };

export interface Poster {
  post(req: EncodedRequest, signal: AbortSignal): Promise<AttemptOutcome>;
}

/**
 * One request until the backend settles it: backoff with jitter between attempts, `Retry-After` as a
 * floor on the wait (the Collector's throttle rule), and `max_elapsed_time` as the budget.
 */
export class RetryingSender {
  /** Set while the backend is failing, so an outage is logged once rather than once per attempt. */
  private outageSince: number | undefined;

  constructor(
    private readonly poster: Poster,
    private readonly retry: RetryConfig,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly retries: CounterHandle,
    private readonly random: () => number = Math.random,
  ) {}

  async send(req: EncodedRequest, signal: AbortSignal): Promise<SendResult> {
    const started = this.clock.now();
    const backoff = new Backoff(this.retry, this.random);
    for (;;) {
      const outcome = await this.poster.post(req, signal);
      if (outcome.kind === 'aborted') return outcome;
      if (outcome.kind !== 'retryable') {
        this.recovered();
        if (outcome.kind === 'accepted') {
          return { kind: 'sent', rejectedPoints: outcome.rejectedPoints, errorMessage: outcome.errorMessage };
        }
        return outcome;
      }
      if (!this.retry.enabled) return { kind: 'exhausted', reason: outcome.reason };
      let wait = backoff.next();
      if (outcome.retryAfterMs !== undefined) wait = Math.max(wait, outcome.retryAfterMs);
      const elapsed = this.clock.now() - started;
      if (this.retry.max_elapsed_time > 0 && elapsed + wait > this.retry.max_elapsed_time) {
        return { kind: 'exhausted', reason: outcome.reason };
      }
      this.failing(outcome.reason, wait);
      this.retries.add(1);
      if (!(await this.sleep(wait, signal))) return { kind: 'aborted' };
    }
  }

  private failing(reason: string, waitMs: number): void {
    if (this.outageSince === undefined) {
      this.outageSince = this.clock.now();
      this.logger.warn({ reason, retryInMs: waitMs }, 'OTLP backend unavailable; retrying with backoff');
    } else {
      this.logger.debug({ reason, retryInMs: waitMs }, 'OTLP send failed; retrying');
    }
  }

  private recovered(): void {
    if (this.outageSince === undefined) return;
    this.logger.info({ downForMs: this.clock.now() - this.outageSince }, 'OTLP backend reachable again');
    this.outageSince = undefined;
  }

  /** Resolves true after `ms`, false as soon as `signal` aborts. */
  private sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = () => {
        timer.cancel();
        resolve(false);
      };
      const timer = this.clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
