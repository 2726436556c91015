import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PageSnapshot } from './renderer.js';
import type { Family } from './series.js';
import { sortInSlices } from './sort_in_slices.js';
import type { SeriesStore } from './store.js';

/** Families copied per turn of the event loop while the order is rebuilt (~1 ms of work). */
const COLLECT_SLICE = 32 * 1024;

const byName = (a: Family, b: Family): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * What a scrape shows: families in name order (as client_golang writes them), taken when the scrape
 * starts. The order is kept between scrapes and rebuilt only when a family came or went; a rebuild of
 * many families is done in slices, so it never holds the event loop for long. The page itself (values
 * change between any two scrapes of a live pipeline) is not kept: it would cost its own size in memory.
 */
export class PageSource {
  private order: { readonly version: number; readonly families: readonly Family[] } | undefined;

  constructor(
    private readonly store: SeriesStore,
    private readonly withTargetInfo: boolean,
  ) {}

  /** The snapshot at once (tests, small pages). */
  snapshotNow(): PageSnapshot {
    const seq = this.store.seq;
    const version = this.store.familiesVersion;
    if (this.order?.version !== version) this.order = { version, families: [...this.store.families.values()].sort(byName) };
    return this.page(this.order.families, seq);
  }

  /** The snapshot for `/metrics`, built without holding the event loop for more than a slice. */
  async snapshot(): Promise<PageSnapshot> {
    const seq = this.store.seq;
    const version = this.store.familiesVersion;
    if (this.order?.version === version) return this.page(this.order.families, seq);
    const collected: Family[] = [];
    for (const family of this.store.families.values()) {
      collected.push(family);
      if (collected.length % COLLECT_SLICE === 0) await nextTurn();
    }
    const families = await sortInSlices(collected, byName);
    // Families that came or went while this ran: the next scrape rebuilds (the version moved on).
    this.order = { version, families };
    return this.page(families, seq);
  }

  private page(families: readonly Family[], seq: number): PageSnapshot {
    return { families, resources: this.withTargetInfo ? this.store.resources.values() : undefined, seq };
  }
}
