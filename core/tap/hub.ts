import type { Clock } from '../clock.js';
import type { Batch } from '../data.js';
import { batchEvent, type EntryView, type TapBatchEvent, type TapOrigin } from './events.js';

/** What a tap client asked for. */
export interface TapFilter {
  /** Component ids to show; empty = every receiver and processor. */
  readonly components: readonly string[];
  /** Most events per second sent to this client; batches past it are skipped and counted. */
  readonly rate: number;
}

/** One connected tap client. `send` returns false when the client cannot take more now (slow reader). */
export interface TapSink {
  send(event: TapBatchEvent): boolean;
}

interface Subscriber {
  readonly filter: TapFilter;
  readonly sink: TapSink;
  /** Token bucket: `rate` tokens a second, at most `rate` saved up. */
  tokens: number;
  refilledAt: number;
  skipped: number;
  /** Set while the sink is full; cleared by `resume`. */
  paused: boolean;
}

/**
 * The live view `kongtel tap` reads (issue 14), as `vector tap` gives one: components' outputs, sampled
 * per client, shown through an entry view that leaves out what must not leave the process. Free while no
 * client listens: an edge asks `active` (a size check) and does nothing else.
 */
export class TapHub {
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    private readonly clock: Clock,
    private readonly view?: EntryView,
  ) {}

  get active(): boolean {
    return this.subscribers.size > 0;
  }

  /** Returns `{ resume, close }`: resume after the sink drained, close when the client left. */
  subscribe(filter: TapFilter, sink: TapSink): { resume(): void; close(): void } {
    const s: Subscriber = { filter, sink, tokens: filter.rate, refilledAt: this.clock.now(), skipped: 0, paused: false };
    this.subscribers.add(s);
    return {
      resume: () => {
        s.paused = false;
      },
      close: () => {
        this.subscribers.delete(s);
      },
    };
  }

  /** A component handed `batch` on. The event is built once per batch, only for clients that take it. */
  publish(origin: TapOrigin, batch: Batch): void {
    const now = this.clock.now();
    for (const s of this.subscribers) {
      if (s.filter.components.length > 0 && !s.filter.components.includes(origin.id)) continue;
      s.tokens = Math.min(s.filter.rate, s.tokens + ((now - s.refilledAt) / 1000) * s.filter.rate);
      s.refilledAt = now;
      if (s.paused || s.tokens < 1) {
        s.skipped++;
        continue;
      }
      s.tokens -= 1;
      const event = batchEvent(origin, batch, new Date(now), s.skipped, this.view);
      s.skipped = 0;
      if (!s.sink.send(event)) s.paused = true;
    }
  }
}
