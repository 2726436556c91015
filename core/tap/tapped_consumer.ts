import type { Consumer } from '../component.js';
import type { Batch } from '../data.js';
import type { TapOrigin } from './events.js';
import type { TapHub } from './hub.js';

/**
 * The edge out of `origin`, showing its batches to tap clients. The batch is read-only (component.ts),
 * so the tap reads the very batch the next consumer gets, before it does; it never changes what flows.
 */
export function tapped(next: Consumer, hub: TapHub, origin: TapOrigin): Consumer {
  return {
    consume(batch: Batch): Promise<void> {
      if (hub.active) hub.publish(origin, batch);
      return next.consume(batch);
    },
  };
}
