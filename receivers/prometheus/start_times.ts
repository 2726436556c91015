import type { HrTime } from '@opentelemetry/api';
import { msToHrTime } from '../../core/index.js';

interface SeriesState {
  /** The scrape that last saw the series (duplicates within one scrape are refused). */
  generation: number;
  /** Last value of a cumulative series: its counter value or histogram/summary count. */
  value: number;
  endMs: number;
  startMs: number;
  start: HrTime;
}

/**
 * Start times of one target's cumulative series, as the Collector's prometheus receiver keeps them:
 * a series keeps its start time while its value does not go down; a lower value is a reset (the target
 * restarted), whose start becomes the previous point's time so `cumulativetodelta` counts the new value.
 * When that time is the old start itself (a reset at the second scrape), the start moves 1 ms later:
 * still before anything the new value counted, and visibly a new start to anything downstream.
 *
 * A series seen in the target's first scrape starts then (what it counted before is unknown). One that
 * appears in a later scrape was not there at the previous successful one, so everything it counted
 * happened since: it starts at that scrape's time, and its first value is not lost downstream.
 * Series missing from a scrape are forgotten; a failed scrape forgets nothing.
 */
export class StartTimes {
  private readonly series = new Map<string, SeriesState>();
  private generation = 0;
  private seen = 0;
  private scrapeMs = 0;
  private previousScrapeMs: number | undefined;

  get size(): number {
    return this.series.size;
  }

  begin(atMs: number): void {
    this.generation++;
    this.seen = 0;
    this.scrapeMs = atMs;
  }

  /** The start time of a cumulative point, or undefined when this scrape already had the series. */
  cumulative(key: string, value: number, endMs: number): HrTime | undefined {
    const s = this.series.get(key);
    if (s === undefined) {
      const startMs = Math.min(this.previousScrapeMs ?? this.scrapeMs, endMs);
      const created: SeriesState = { generation: this.generation, value, endMs, startMs, start: msToHrTime(startMs) };
      this.series.set(key, created);
      this.seen++;
      return created.start;
    }
    if (s.generation === this.generation) return undefined;
    s.generation = this.generation;
    this.seen++;
    if (value < s.value) {
      s.startMs = Math.min(Math.max(s.endMs, s.startMs + 1), endMs);
      s.start = msToHrTime(s.startMs);
    }
    s.value = value;
    s.endMs = endMs;
    return s.start;
  }

  /** False when this scrape already had the series: a duplicate line. */
  gauge(key: string): boolean {
    const s = this.series.get(key);
    if (s === undefined) {
      this.series.set(key, { generation: this.generation, value: 0, endMs: 0, startMs: 0, start: ZERO });
      this.seen++;
      return true;
    }
    if (s.generation === this.generation) return false;
    s.generation = this.generation;
    this.seen++;
    return true;
  }

  /** Forgets every series: the next scrape is a first scrape (a new stream behind the same target). */
  forget(): void {
    this.series.clear();
    this.previousScrapeMs = undefined;
  }

  /** Ends a successful scrape: series it did not have are forgotten. */
  end(): void {
    if (this.series.size > this.seen) {
      for (const [key, s] of this.series) if (s.generation !== this.generation) this.series.delete(key);
    }
    this.previousScrapeMs = this.scrapeMs;
  }
}

const ZERO: HrTime = [0, 0];
