import { decodeEntryText, type KongLogEntry, type RejectedEntry } from '../../core/index.js';

/** Why a datagram holds no Kong log entry (label `reason` of the rejected counter). */
export type RejectedReason = Extract<CoreRejectedReason, 'malformed_json' | 'not_an_object' | 'not_a_kong_entry'>;
import type { RejectedReason as CoreRejectedReason } from '../../core/index.js';

/** A rejected datagram: `index` is its position in the batch, `reason` says why for the log. */
export interface RejectedDatagram extends RejectedEntry {
  readonly kind: RejectedReason;
  readonly sender: string;
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
  const d = decodeEntryText(text);
  if (d.entry !== undefined) entries.push(d.entry);
  // An entry larger than a datagram arrives cut: its JSON ends too early.
  else rejected.push({ index, sender, kind: d.kind, reason: d.reason });
}
