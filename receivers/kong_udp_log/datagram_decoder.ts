import { unusableReason, type KongLogEntry, type RejectedEntry } from '../../core/index.js';

/** Why a datagram holds no Kong log entry (label `reason` of the rejected counter). */
export type RejectedReason = 'malformed_json' | 'not_an_object' | 'not_a_kong_entry';

/** A rejected datagram: `index` is its position in the batch, `reason` says why for the log. */
export interface RejectedDatagram extends RejectedEntry {
  readonly kind: RejectedReason;
  readonly sender: string;
}

/**
 * V8's JSON.parse messages quote the input (`Unexpected token 'a', "{"secret":abc}" is not valid JSON`),
 * and a log line must never carry an entry's contents: keep only the position, when there is one.
 */
function malformedReason(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const at = /at position (\d+)/.exec(message);
  if (at) return `malformed JSON at character ${at[1]}`;
  if (message.startsWith('Unexpected end')) return 'malformed JSON: ends too early (an entry larger than a datagram is cut)';
  return 'malformed JSON: unexpected token';
}

/**
 * Decodes one datagram (one JSON object, as Kong's udp-log sends it; a trailing newline is tolerated)
 * with the shared Kong entry rules, and appends it to `entries` or `rejected`.
 */
export function decodeDatagram(
  text: string,
  index: number,
  sender: string,
  entries: KongLogEntry[],
  rejected: RejectedDatagram[],
): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    rejected.push({ index, sender, kind: 'malformed_json', reason: malformedReason(err) });
    return;
  }
  const reason = unusableReason(value);
  if (reason === undefined) entries.push(value as KongLogEntry);
  else rejected.push({ index, sender, kind: reason.startsWith('not a Kong log entry') ? 'not_a_kong_entry' : 'not_an_object', reason });
}
