/**
 * What a hostile Kong-log input must come to, worked out from the rules the receivers document (not from
 * their code): UTF-8 decoding with U+FFFD, JSON.parse semantics (last repeated key wins), an entry is an
 * object with at least one of request, response, session, latencies, ai as an object, and only entries
 * with a request or response object add to `http.server.request.count`.
 */

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Accepted by the receivers as a Kong log entry. */
export function isUsableEntry(v: unknown): boolean {
  return isObject(v) && (isObject(v.request) || isObject(v.response) || isObject(v.session) || isObject(v.latencies) || isObject(v.ai));
}

/** Adds one to `http.server.request.count`. */
export function isCountedEntry(v: unknown): boolean {
  return isObject(v) && (isObject(v.request) || isObject(v.response));
}

function parse(bytes: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

/** The answer a decoded http-log body must get, and what it adds to the request count when it is 200. */
export interface BodyVerdict {
  readonly status: 200 | 400;
  readonly counted: number;
  /** Items the receiver keeps (usable entries), whether or not they are counted. */
  readonly entries: number;
}

export function httpBodyVerdict(decoded: Buffer): BodyVerdict {
  const parsed = parse(decoded);
  if (!parsed.ok) return { status: 400, counted: 0, entries: 0 };
  const body = parsed.value;
  if (Array.isArray(body)) {
    const usable = body.filter(isUsableEntry);
    if (body.length > 0 && usable.length === 0) return { status: 400, counted: 0, entries: 0 };
    return { status: 200, counted: usable.filter(isCountedEntry).length, entries: usable.length };
  }
  if (isUsableEntry(body)) return { status: 200, counted: isCountedEntry(body) ? 1 : 0, entries: 1 };
  return { status: 400, counted: 0, entries: 0 };
}

/** What a stream of newline-framed entries (tcp-log, file-log) must come to. */
export interface LinesVerdict {
  /** Lines the receiver must account for: each is accepted or rejected exactly once (an over-long unfinished last line twice: too long, then cut off). */
  readonly accounted: number;
  readonly counted: number;
}

/**
 * `partialTail`: whether bytes after the last newline are a line cut off when the stream ends (tcp-log: the
 * connection closed mid-line) or are left for later (file-log: a line still being written).
 */
export function linesVerdict(stream: Buffer, maxLineSize: number, partialTail: 'cut_off' | 'held'): LinesVerdict {
  let accounted = 0;
  let counted = 0;
  let start = 0;
  for (let nl = stream.indexOf(10, start); nl >= 0; nl = stream.indexOf(10, start)) {
    const length = nl - start;
    const blank = length === 0 || (length === 1 && stream[start] === 13);
    if (length > maxLineSize) accounted++;
    else if (!blank) {
      accounted++;
      const parsed = parse(stream.subarray(start, nl));
      if (parsed.ok && isUsableEntry(parsed.value) && isCountedEntry(parsed.value)) counted++;
    }
    start = nl + 1;
  }
  const tail = stream.length - start;
  if (tail > 0 && partialTail === 'cut_off') accounted += tail > maxLineSize ? 2 : 1;
  return { accounted, counted };
}

/** One udp-log datagram: trailing CR/LF dropped, then one entry (an array is not unpacked). */
export function datagramVerdict(datagram: Buffer): LinesVerdict {
  let end = datagram.length;
  while (end > 0 && (datagram[end - 1] === 10 || datagram[end - 1] === 13)) end--;
  if (end === 0) return { accounted: 0, counted: 0 };
  const parsed = parse(datagram.subarray(0, end));
  return { accounted: 1, counted: parsed.ok && isUsableEntry(parsed.value) && isCountedEntry(parsed.value) ? 1 : 0 };
}
