export { batchEvent, type EntryView, SAMPLE_ITEMS, type TapBatchEvent, type TapOrigin, type TapPoint } from './events.js';
export { serveTap, TAP_PATH, parseTapQuery, DEFAULT_TAP_RATE } from './http.js';
export { TapHub, type TapFilter, type TapSink } from './hub.js';
export { tapped } from './tapped_consumer.js';
