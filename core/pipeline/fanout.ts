import type { Batch } from '../data.js';
import type { Consumer } from '../component.js';
import { isBackPressure } from '../errors.js';

/**
 * One receiver feeding several pipelines, or one pipeline feeding several exporters. Every consumer
 * gets the same batch (consumers never mutate batches); the call settles when all have, and fails with
 * the first error — a back-pressure error first, so the receiver answers "retry" rather than "bad data".
 */
export class FanoutConsumer implements Consumer {
  constructor(private readonly consumers: readonly Consumer[]) {}

  async consume(batch: Batch): Promise<void> {
    if (this.consumers.length === 1) return this.consumers[0].consume(batch);
    const results = await Promise.allSettled(this.consumers.map((c) => c.consume(batch)));
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

export function fanout(consumers: readonly Consumer[]): Consumer {
  return consumers.length === 1 ? consumers[0] : new FanoutConsumer(consumers);
}
