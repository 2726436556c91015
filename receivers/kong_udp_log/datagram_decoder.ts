import { decodeEntryText, type EntryRejectedReason, type KongLogEntry, type RejectedEntry } from '../../core/index.js';

/** A rejected datagram: `index` is its position in the batch; only the decoder's reasons apply. */
export interface RejectedDatagram extends RejectedEntry<EntryRejectedReason> {
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
  else rejected.push({ index, sender, reason: d.reason, message: d.message });
}
