import type { JsonObject } from '../../../core/index.js';
import type { HistogramSlot } from '../attribute_set.js';
import type { SetNode } from '../attribute_trie.js';
import { object, reduced } from '../entry_shape.js';
import { Bounds, histogram } from '../instrument.js';
import type { Recorder } from '../recorder.js';
import type { SectionDeclaration } from '../section.js';
import { size } from '../values.js';
import { type Common, type CommonFields, consumerAttributes } from './common.js';

/** Request and response sizes, by route and consumer. */

const INSTRUMENTS = {
  requestSize: histogram('http.server.request.size', 'By', 'Size of the request (request line, headers and body).', Bounds.size),
  responseSize: histogram('http.server.response.size', 'By', 'Bytes sent to the client (headers and body).', Bounds.size),
} as const;

/** A size as read: numeric strings (before Kong 2.2) stored as the number. */
const SIZE = reduced('size', (v) => size(v) ?? null);

export const SIZES: SectionDeclaration = {
  attributes: {},
  instruments: INSTRUMENTS,
  fields: object({ request: object({ size: SIZE }), response: object({ size: SIZE }) }),
};

export class Sizes {
  private readonly requestSize: HistogramSlot<CommonFields>;
  private readonly responseSize: HistogramSlot<CommonFields>;

  constructor(
    private readonly rec: Recorder,
    common: Common,
  ) {
    const consumer = common.consumerSet;
    this.requestSize = consumer.histogram(rec.histogram(INSTRUMENTS.requestSize), common.f, consumerAttributes);
    this.responseSize = consumer.histogram(rec.histogram(INSTRUMENTS.responseSize), common.f, consumerAttributes);
  }

  /** The sizes of an HTTP entry, into consumer set `c`. */
  record(request: JsonObject | undefined, response: JsonObject | undefined, c: SetNode): void {
    const requestBytes = request !== undefined ? size(request.size) : undefined;
    const responseBytes = response !== undefined ? size(response.size) : undefined;
    if (requestBytes !== undefined) this.rec.record(this.requestSize, c, requestBytes);
    if (responseBytes !== undefined) this.rec.record(this.responseSize, c, responseBytes);
  }
}
