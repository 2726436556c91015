import type { MetricBatch } from '../data.js';

/**
 * Log positions: how far a write-ahead log is reflected in emitted data (docs/durability.md). A durable
 * processor stamps them on what it emits as `MetricBatch.covers`; processors after it carry them on;
 * an exporter that records positions stores them with the data.
 */

/** How far a write-ahead log (a `source`) is reflected in emitted data: its entries up to `position`. */
export interface LogPosition {
  readonly source: string;
  /** Monotonic within a source; safe up to 2^53. */
  readonly position: number;
}

/**
 * The source name of a durable processor instance: processors are per pipeline, so the pair is unique.
 * Ids never hold whitespace, so the name splits back unambiguously.
 */
export function logPositionSource(processorId: string, pipelineId: string | undefined): string {
  return `${processorId} in ${pipelineId ?? '-'}`;
}

/** The batch with `covers` set; the very batch when there is nothing to cover. */
export function withCovers(batch: MetricBatch, covers: readonly LogPosition[] | undefined): MetricBatch {
  return covers === undefined || covers.length === 0 ? batch : { ...batch, covers };
}

/** Merges covers, keeping the highest position per source (positions only grow). */
export function mergeCovers(into: Map<string, number>, covers: readonly LogPosition[] | undefined): void {
  if (covers === undefined) return;
  for (const c of covers) {
    const held = into.get(c.source);
    if (held === undefined || c.position > held) into.set(c.source, c.position);
  }
}

export function coversOf(positions: ReadonlyMap<string, number>): LogPosition[] {
  return [...positions].map(([source, position]) => ({ source, position }));
}
