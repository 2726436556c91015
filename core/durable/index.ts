/**
 * Durable mode (docs/durability.md), one optional capability: a processor keeps a write-ahead log and
 * stamps log positions on what it emits, processors after it carry them, exporters store them with the
 * data, and the collector says how far each log is covered so a restart replays only the rest.
 * Nothing else in core/ needs to know it, beyond `MetricBatch.covers` and `Factory.durable`.
 */

// Log positions and the batches that carry them.
export { coversOf, type LogPosition, logPositionSource, mergeCovers, withCovers } from './positions.js';
// What factories, exporters and the host declare to take part.
export { type CoverageHost, coveredPosition, type DurableCapability, isLogPositionRecorder, type LogPositionRecorder } from './capability.js';
// The collector's side: how far each log is covered by its pipeline's exporters.
export { type CoveredPipeline, LogCoverage } from './coverage.js';
// The config loader's rule: a durable pipeline must be exact.
export { checkDurablePipeline } from './check.js';
