import type { Exporter } from '../component.js';
import { type CoverageHost, isLogPositionRecorder } from './capability.js';
import { logPositionSource } from './positions.js';

/** A pipeline as coverage needs it: its processors' ids and the exporter instances their emissions reach. */
export interface CoveredPipeline {
  readonly id: string;
  readonly processors: readonly { readonly id: string }[];
  readonly exporters: readonly Exporter[];
}

/**
 * The collector's side of durable mode: for each processor instance's log source, the exporters its
 * emissions reach, and how far they all hold its log.
 */
export class LogCoverage implements CoverageHost {
  private readonly exportersOf = new Map<string, readonly Exporter[]>();

  constructor(pipelines: readonly CoveredPipeline[]) {
    for (const p of pipelines) for (const { id } of p.processors) this.exportersOf.set(logPositionSource(id, p.id), p.exporters);
  }

  /**
   * The lowest position over the exporters fed by the source's processor that record positions: what
   * every one of them holds. Undefined when one has nothing for the source (e.g. it is new).
   */
  coveredPosition(source: string): number | undefined {
    let lowest: number | undefined;
    for (const e of this.exportersOf.get(source) ?? []) {
      if (!isLogPositionRecorder(e)) continue;
      const p = e.coveredPositions().get(source);
      if (p === undefined) return undefined;
      lowest = lowest === undefined ? p : Math.min(lowest, p);
    }
    return lowest;
  }
}
