import type { Consumer, MutatesData } from '../component.js';
import { type Batch, cloneBatch } from '../data.js';
import { isBackPressure } from '../errors.js';

/**
 * One receiver feeding several pipelines, one pipeline feeding several exporters, and — as `fanout([c])`
 * — every other edge of the graph, so the contract's batch rule (`Consumer` in component.ts) is kept in
 * one place: consumers that do not declare `MutatesData` share the very batch; each one that does gets a
 * copy of its own.
 *
 * The Collector's fan-out (internal/fanoutconsumer/metrics.go, open-telemetry/opentelemetry-collector@
 * 934999fbab274d10cbf18704b4594a6fb2049887) also clones only for mutating consumers, but hands the
 * original to the last of them when no read-only consumer shares it, because a Collector component gives
 * up the data it passes on. kongtel's components keep references into what they took and emitted
 * (cumulativetodelta's baselines and attributes), so every mutating consumer gets a copy.
 *
 * The call settles when every consumer has, and fails with the first error — a back-pressure error
 * first, so the receiver answers "retry" rather than "bad data".
 */
export class FanoutConsumer implements Consumer {
  private readonly deliveries: readonly ((batch: Batch) => Promise<void>)[];

  constructor(consumers: readonly Consumer[]) {
    this.deliveries = consumers.map((c) => (mutates(c) ? async (b: Batch) => c.consume(cloneBatch(b)) : (b: Batch) => c.consume(b)));
  }

  async consume(batch: Batch): Promise<void> {
    if (this.deliveries.length === 1) return this.deliveries[0](batch);
    const results = await Promise.allSettled(this.deliveries.map((deliver) => deliver(batch)));
    let first: unknown;
    for (const r of results) {
      if (r.status === 'rejected') {
        if (isBackPressure(r.reason)) throw r.reason;
        first ??= r.reason;
      }
    }
    if (first !== undefined) throw first;
  }
}

/** The consumer itself when it is alone and does not mutate (nothing to share or copy); a fan-out otherwise. */
export function fanout(consumers: readonly Consumer[]): Consumer {
  return consumers.length === 1 && !mutates(consumers[0]) ? consumers[0] : new FanoutConsumer(consumers);
}

function mutates(c: Consumer): boolean {
  return (c as Partial<MutatesData>).mutatesData === true;
}
