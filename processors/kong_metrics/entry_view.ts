import { isObject, type JsonObject } from '../../core/index.js';
import type { EntryView } from '../../core/tap/index.js';
import { decodeEntries, encodeEntries } from './durable/entry_codec.js';

/**
 * What `kongtel tap` shows of a Kong entry: the fields kong_metrics reads, reduced as its readers reduce
 * them — the write-ahead log's projection (durable/entry_codec.ts), so there is one list of read fields
 * and no header, query string, payload or client address can show. Taps are sampled, so the round trip
 * through the log's encoding costs nothing that matters. One leaf is left out: the log keeps
 * `request.uri` only as the GenAI operation it names and restores a stand-in path for it, which a
 * reader would take for the request's real path (the operation shows as `gen_ai.operation.name` on the
 * points kong_metrics emits).
 */
export const kongEntryView: EntryView = (entry) => {
  const projected = decodeEntries(encodeEntries([entry]))?.[0] ?? {};
  const request = projected.request;
  if (!isObject(request) || !('uri' in request)) return projected;
  const { uri: _stored, ...rest } = request as JsonObject;
  return { ...projected, request: rest };
};
