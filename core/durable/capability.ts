import type { Host } from '../component.js';

/**
 * What a factory declares to take part in durable mode (docs/durability.md); absent, it takes no part.
 * The config loader reads it to refuse a durable pipeline that cannot be exact (check.ts).
 */
export interface DurableCapability<C = unknown> {
  /**
   * A processor with a write-ahead log: the config key that turned durable mode on (e.g. `storage`), or
   * undefined when it is off. Every exporter of its pipelines must then record log positions.
   */
  logPositionsKey?(config: C): string | undefined;
  /**
   * A processor that puts the `covers` of what it took on what it emits for it (and reports downstream
   * refusals back), so it may follow a durable processor. Absent: it may not.
   */
  readonly passesLogPositions?: boolean;
  /**
   * An exporter: whether this config makes it a `LogPositionRecorder` — true, or what to change so it is
   * one (e.g. "set sending_queue.storage"). Absent: it never can.
   */
  recordsLogPositions?(config: C): true | string;
}

/**
 * An exporter that stores `MetricBatch.covers` with the data, atomically, and reports per source the
 * highest position among what it holds durably, delivered, or dropped for good.
 */
export interface LogPositionRecorder {
  coveredPositions(): ReadonlyMap<string, number>;
}

export function isLogPositionRecorder(c: object): c is LogPositionRecorder {
  return typeof (c as Partial<LogPositionRecorder>).coveredPositions === 'function';
}

/**
 * A host that knows how far each write-ahead log is covered: the collector (coverage.ts). Found by its
 * method rather than declared on `Host`, as the Collector's service/hostcapabilities interfaces are
 * (open-telemetry/opentelemetry-collector@934999fbab274d10cbf18704b4594a6fb2049887).
 */
export interface CoverageHost {
  coveredPosition(source: string): number | undefined;
}

/**
 * How far the write-ahead log `source` is covered by data the exporters of its pipeline hold durably or
 * delivered — the lowest position over them; undefined when any has recorded nothing for it (then the
 * whole retained log is replayed), or when the host does not track coverage.
 */
export function coveredPosition(host: Host | undefined, source: string): number | undefined {
  const h = host as Partial<CoverageHost> | undefined;
  return typeof h?.coveredPosition === 'function' ? h.coveredPosition(source) : undefined;
}
