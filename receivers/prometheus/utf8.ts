import { isUtf8 } from 'node:buffer';

/** A page body as text, and which of its lines held bytes that are not UTF-8. */
export interface DecodedPage {
  readonly text: string;
  /** 1-based line numbers; undefined when the whole body is valid UTF-8 (nearly always). */
  readonly invalidUtf8Lines: ReadonlySet<number> | undefined;
}

const NEWLINE = 0x0a;

/**
 * Decoding alone would turn invalid bytes into U+FFFD and hide them, while Prometheus refuses a label
 * value or HELP text that is not UTF-8 (promparse.go: `utf8.Valid`). So the body is checked first, in
 * native code; only a body that fails is split into lines to say which ones. A newline byte never occurs
 * inside a UTF-8 sequence, so these line numbers are the decoded text's.
 */
export function decodePage(body: Buffer): DecodedPage {
  const text = body.toString('utf8');
  if (isUtf8(body)) return { text, invalidUtf8Lines: undefined };
  const lines = new Set<number>();
  let line = 1;
  let start = 0;
  while (start <= body.length) {
    let end = body.indexOf(NEWLINE, start);
    if (end < 0) end = body.length;
    if (!isUtf8(body.subarray(start, end))) lines.add(line);
    line++;
    start = end + 1;
  }
  return { text, invalidUtf8Lines: lines };
}
