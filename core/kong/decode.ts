import type { EntryRejectedReason, Rejection, RejectedReason, ValueRejectedReason } from '../reasons.js';
import { isObject, type KongLogEntry } from './entry.js';

/**
 * The one entry decoder every Kong-log receiver shares (http-log bodies, tcp-log and file-log lines,
 * udp-log datagrams), so all of them follow the same bad-input rules.
 */

/** An item that is not a Kong log entry: `index` is its place (in the array; the line number for line protocols). */
export interface RejectedEntry<R extends RejectedReason = RejectedReason> extends Rejection<R> {
  readonly index: number;
}

export interface DecodedEntries {
  readonly entries: KongLogEntry[];
  readonly rejected: RejectedEntry<ValueRejectedReason>[];
}

/** A body with nothing to keep, and why; the reason is the label value, the message goes to the sender. */
export type DecodeFailure = Rejection<EntryRejectedReason>;

/**
 * Why an object is not a Kong log entry, or undefined when it is one. An entry must carry at least one
 * of the sections that instruments read: an HTTP request/response, a stream session, or latencies.
 */
export function entryRejection(v: unknown): Rejection<ValueRejectedReason> | undefined {
  if (!isObject(v)) {
    return { reason: 'not_an_object', message: `not a JSON object (${v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v})` };
  }
  if (isObject(v.request) || isObject(v.response) || isObject(v.session) || isObject(v.latencies) || isObject(v.ai)) {
    return undefined;
  }
  return { reason: 'not_a_kong_entry', message: 'not a Kong log entry (none of request, response, session, latencies, ai is an object)' };
}

/**
 * Sorts an already-parsed body into usable entries and rejected ones. A body that is neither an object
 * nor an array is a failure of the whole body; a single object that is not an entry is one too, since
 * there is nothing good to keep.
 */
export function decodeParsedBody(body: unknown): DecodedEntries | DecodeFailure {
  if (Array.isArray(body)) {
    const entries: KongLogEntry[] = [];
    const rejected: RejectedEntry<ValueRejectedReason>[] = [];
    for (let i = 0; i < body.length; i++) {
      const why = entryRejection(body[i]);
      if (why === undefined) entries.push(body[i] as KongLogEntry);
      else rejected.push({ index: i, reason: why.reason, message: why.message });
    }
    return { entries, rejected };
  }
  if (isObject(body)) return entryRejection(body) ?? { entries: [body], rejected: [] };
  return { reason: 'not_an_object', message: `body must be a JSON object or an array of objects, got ${body === null ? 'null' : typeof body}` };
}

/** Parses JSON text and decodes it; malformed JSON is an error naming the parser's complaint. */
export function decodeJsonText(text: string): DecodedEntries | DecodeFailure {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return { reason: 'malformed_json', message: `malformed JSON: ${parseErrorWithoutInput(err)}` };
  }
  return decodeParsedBody(body);
}

/**
 * Node's JSON.parse messages quote the input (`Unexpected token 'W', "What is th"... is not valid JSON`);
 * the input may be a prompt or a secret, so keep only what the parser found and where.
 */
export function parseErrorWithoutInput(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /at position (\d+)/.exec(message)?.[1];
  // Only the parser's words: no quoted token or excerpt of the input.
  const words = message.split(/\s*['",]|\s+in JSON|\s+at position/)[0].trim();
  const what = words.charAt(0).toLowerCase() + words.slice(1);
  return position === undefined ? what : `${what} at position ${position}`;
}

/** What one line or datagram of a line protocol (tcp-log, udp-log, file-log) held. */
export type DecodedEntry = { readonly entry: KongLogEntry } | (DecodeFailure & { readonly entry?: undefined });

/**
 * Decodes one JSON object (one line of tcp-log or file-log, one udp-log datagram) by the same rules as
 * http-log bodies. An array is not unpacked: those plugins never send one.
 */
export function decodeEntryText(text: string): DecodedEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { reason: 'malformed_json', message: `malformed JSON: ${parseErrorWithoutInput(err)}` };
  }
  return entryRejection(value) ?? { entry: value as KongLogEntry };
}

/** Compact description of rejected entries for one warning log line: indexes and first messages. */
export function describeRejected(rejected: readonly RejectedEntry[], max = 20): { indexes: number[]; reasons: string[] } {
  const indexes = rejected.slice(0, max).map((r) => r.index);
  const reasons = [...new Set(rejected.slice(0, max).map((r) => r.message))];
  return { indexes, reasons };
}
