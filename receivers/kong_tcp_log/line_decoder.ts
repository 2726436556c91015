import { unusableReason, type KongLogEntry, type RejectedEntry } from '../../core/index.js';

/** Why a line holds no Kong log entry (label `reason` of the rejected counter). */
export type RejectedReason = 'malformed_json' | 'not_an_object' | 'not_a_kong_entry' | 'too_long' | 'truncated';

/** A rejected line: `index` is its line number on the connection (1-based), `reason` says why for the log. */
export interface RejectedLine extends RejectedEntry {
  readonly kind: RejectedReason;
}

/**
 * V8's JSON.parse messages quote the input (`Unexpected token 'a', "{"secret":abc}" is not valid JSON`),
 * and a log line must never carry an entry's contents: keep only the position, when there is one.
 */
function malformedReason(err: unknown): string {
  const message = err instanceof Error ? err.message : '';
  const at = /at position (\d+)/.exec(message);
  if (at) return `malformed JSON at character ${at[1]}`;
  if (message.startsWith('Unexpected end')) return 'malformed JSON: ends too early';
  return 'malformed JSON: unexpected token';
}

/**
 * Decodes one line (one JSON object, as Kong's tcp-log writes it) with the shared Kong entry rules and
 * appends it to `entries` or `rejected`. An array is not unpacked: tcp-log never sends one.
 */
export function decodeLine(text: string, line: number, entries: KongLogEntry[], rejected: RejectedLine[]): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    rejected.push({ index: line, kind: 'malformed_json', reason: malformedReason(err) });
    return;
  }
  const reason = unusableReason(value);
  if (reason === undefined) entries.push(value as KongLogEntry);
  else rejected.push({ index: line, kind: reason.startsWith('not a Kong log entry') ? 'not_a_kong_entry' : 'not_an_object', reason });
}
