
/**
 * Segment files are named by the log position of their first byte (Kafka's scheme), so positions are
 * plain byte counts that keep growing across segments, restarts and deletions.
 */

const SEGMENT_NAME = /^(\d{20})\.wal$/;

export interface Segment {
  /** Log position of the file's first byte. */
  readonly start: number;
  /** Log position just past its last valid byte. */
  end: number;
}

export function segmentName(start: number): string {
  return `${String(start).padStart(20, '0')}.wal`;
}

/** The start positions of the segment files among `names`, oldest first. */
export function segmentStarts(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const name of names) {
    const m = SEGMENT_NAME.exec(name);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}
