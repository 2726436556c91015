import { decodeEntryText, type KongLogEntry, type RejectedEntry } from '../../core/index.js';

/** A rejected line: `index` is its line number on the connection (1-based). */
export type RejectedLine = RejectedEntry;

/**
 * Decodes one line (one JSON object, as Kong's tcp-log writes it) with the shared Kong entry rules and
 * appends it to `entries` or `rejected`. An array is not unpacked: tcp-log never sends one.
 */
export function decodeLine(text: string, line: number, entries: KongLogEntry[], rejected: RejectedLine[]): void {
  const d = decodeEntryText(text);
  if (d.entry !== undefined) entries.push(d.entry);
  else rejected.push({ index: line, reason: d.reason, message: d.message });
}
