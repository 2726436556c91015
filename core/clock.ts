import type { HrTime } from '@opentelemetry/api';

/** A scheduled callback that can be cancelled. */
export interface Timer {
  cancel(): void;
}

/**
 * Time is injected into every component (ARCHITECTURE: "Time is injected"), so interval, staleness and
 * retry logic is tested without sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): Timer;
  setInterval(fn: () => void, ms: number): Timer;
}

/**
 * Node fires a timer set to more than 2^31-1 ms after 1 ms (TimeoutOverflowWarning), so a long duration
 * from the config (`metric_expiration: 720h`) would become a busy loop. Capped instead, as node itself
 * caps socket timeouts: such a timer fires after ~24.8 days.
 */
const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.min(ms, MAX_TIMER_MS));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
  setInterval(fn, ms) {
    const t = setInterval(fn, Math.min(ms, MAX_TIMER_MS));
    t.unref();
    return { cancel: () => clearInterval(t) };
  },
};

interface Scheduled {
  due: number;
  every: number | undefined;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to: `advance(ms)` fires every timer that falls due, in order. */
export class ManualClock implements Clock {
  private readonly timers: Scheduled[] = [];

  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, undefined);
  }

  setInterval(fn: () => void, ms: number): Timer {
    return this.schedule(fn, ms, Math.max(1, ms));
  }

  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = this.timers
        .filter((t) => !t.cancelled && t.due <= end)
        .sort((a, b) => a.due - b.due)[0];
      if (!next) break;
      this.current = Math.max(this.current, next.due);
      if (next.every === undefined) next.cancelled = true;
      else next.due += next.every;
      next.fn();
    }
    this.current = end;
    for (let i = this.timers.length - 1; i >= 0; i--) if (this.timers[i].cancelled) this.timers.splice(i, 1);
  }

  private schedule(fn: () => void, ms: number, every: number | undefined): Timer {
    const t: Scheduled = { due: this.current + Math.max(0, ms), every, fn, cancelled: false };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }
}

/** Epoch milliseconds → OpenTelemetry HrTime ([seconds, nanoseconds]). */
export function msToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}

/** OpenTelemetry HrTime → epoch milliseconds. */
export function hrTimeToMs(t: HrTime): number {
  return t[0] * 1000 + t[1] / 1e6;
}
