import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { applyByteMutation, byteMutationArb, type ByteMutation } from './byte_mutation.js';
import { batchItemArb, mutatedEntryArb } from './entry_mutation.js';
import type { HostileLimits } from './hostile_values.js';
import { nodeText, type JsonNode } from './json_node.js';
import { datagramVerdict, httpBodyVerdict, linesVerdict, type LinesVerdict } from './kong_oracle.js';

/** Generated inputs for the Kong-log receivers, each with what it must come to. */

// ---------------------------------------------------------------- http-log

export interface HttpTransport {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | undefined;
  readonly contentEncoding: string | undefined;
  readonly chunked: boolean;
  readonly gzip: 'none' | 'valid' | 'truncated';
  /** Where a truncated gzip body is cut (modulo its length). */
  readonly cut: number;
}

export interface KongHttpCase {
  readonly transport: HttpTransport;
  /** The body before gzip. */
  readonly body: Buffer;
  /** What goes on the wire. */
  readonly wire: Buffer;
  /** Every status the receiver may answer with; more than one only where the protocol leaves a choice. */
  readonly statuses: readonly number[];
  /** Entries this case adds to `http.server.request.count` when answered 200. */
  readonly counted: number;
  readonly mutation: ByteMutation;
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.kong+json'] as const;

function weighted<T>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>, rareWeight = 1, commonWeight = 30): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: common, weight: commonWeight }, { arbitrary: rare, weight: rareWeight });
}

export function httpTransportArb(): fc.Arbitrary<HttpTransport> {
  return fc.record({
    method: weighted(fc.constant('POST'), fc.constantFrom('PUT', 'PATCH', 'GET', 'DELETE', 'OPTIONS'), 2),
    path: weighted(fc.constant('/'), fc.constantFrom('/kong', '//', '/?x=1', '/%00')),
    contentType: weighted(fc.constantFrom(...JSON_TYPES), fc.constantFrom(undefined, 'text/plain', 'application/x-www-form-urlencoded', 'json')),
    contentEncoding: weighted(fc.constant(undefined), fc.constantFrom('identity', 'br', 'deflate', 'gzip, gzip')),
    chunked: weighted(fc.constant(false), fc.constant(true), 4),
    gzip: fc.oneof(
      { arbitrary: fc.constant('none' as const), weight: 16 },
      { arbitrary: fc.constant('valid' as const), weight: 3 },
      { arbitrary: fc.constant('truncated' as const), weight: 1 },
    ),
    cut: fc.nat(),
  });
}

/** A single entry (as Kong sends with max_batch_size 1) or a batch mixing good entries with bad ones. */
export function httpBodyArb(pool: readonly JsonNode[], limits: HostileLimits): fc.Arbitrary<JsonNode> {
  return fc.oneof(
    { arbitrary: mutatedEntryArb(pool, limits), weight: 1 },
    { arbitrary: fc.array(batchItemArb(pool, limits), { maxLength: 12 }).map((items): JsonNode => ({ kind: 'array', items })), weight: 3 },
  );
}

const KNOWN_ENCODINGS = new Set(['identity', 'gzip', 'x-gzip', '']);

export function kongHttpCase(node: JsonNode, mutation: ByteMutation, transport: HttpTransport, maxBodySize: number): KongHttpCase {
  const body = applyByteMutation(Buffer.from(nodeText(node), 'utf8'), mutation);
  let wire = body;
  let encoding = transport.contentEncoding;
  if (transport.gzip !== 'none') {
    const zipped = gzipSync(body);
    wire = transport.gzip === 'valid' ? zipped : zipped.subarray(0, 1 + (transport.cut % (zipped.length - 1)));
    encoding = 'gzip';
  }
  const t: HttpTransport = { ...transport, contentEncoding: encoding };
  const only = (status: number): KongHttpCase => ({ transport: t, body, wire, statuses: [status], counted: 0, mutation });

  const path = t.path.split('?')[0];
  if (path !== '/') return only(404);
  if (!['POST', 'PUT', 'PATCH'].includes(t.method)) return only(405);
  const mediaType = t.contentType?.split(';')[0].trim().toLowerCase();
  if (mediaType === undefined || !/^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/.test(mediaType)) return only(415);
  if (encoding !== undefined && !KNOWN_ENCODINGS.has(encoding.trim().toLowerCase())) return only(415);
  if (wire.length > maxBodySize) return only(413);

  let decoded = wire;
  if (t.gzip !== 'none') {
    try {
      decoded = gunzipSync(wire);
    } catch {
      // Cut off: 400 for the corrupt stream, unless what it inflated to before the cut was already too large.
      return { transport: t, body, wire, statuses: body.length > maxBodySize ? [400, 413] : [400], counted: 0, mutation };
    }
  }
  if (decoded.length > maxBodySize) return only(413);
  const verdict = httpBodyVerdict(decoded);
  return { transport: t, body, wire, statuses: [verdict.status], counted: verdict.status === 200 ? verdict.counted : 0, mutation };
}

export function kongHttpCaseArb(pool: readonly JsonNode[], limits: HostileLimits, maxBodySize: number): fc.Arbitrary<KongHttpCase> {
  return fc
    .tuple(httpBodyArb(pool, limits), byteMutationArb(), httpTransportArb())
    .map(([node, mutation, transport]) => kongHttpCase(node, mutation, transport, maxBodySize));
}

// ---------------------------------------------------------------- tcp-log and file-log

export interface LineCase {
  /** Every byte sent (tcp) or appended (file). */
  readonly stream: Buffer;
  /** Where the stream is cut into writes (tcp): offsets, sorted. */
  readonly cuts: readonly number[];
  readonly verdict: LinesVerdict;
}

const SEPARATORS = ['\n', '\n', '\n', '\n', '\r\n', '\n\n', '\n\r\n'] as const;

function joinLines(texts: readonly string[], separators: readonly string[], endWithNewline: boolean): string {
  let out = '';
  texts.forEach((t, i) => {
    out += t;
    if (i < texts.length - 1 || endWithNewline) out += separators[i % separators.length];
  });
  return out;
}

/**
 * One tcp-log connection (or one append to a file-log file): 1–12 lines of good, edited and foreign
 * values; the last newline is sometimes missing (a connection cut mid-entry).
 */
export function lineCaseArb(
  pool: readonly JsonNode[],
  limits: HostileLimits,
  maxLineSize: number,
  mode: 'tcp' | 'file',
): fc.Arbitrary<LineCase> {
  return fc
    .record({
      items: fc.array(batchItemArb(pool, limits), { minLength: 1, maxLength: 12 }),
      separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 4 }),
      endWithNewline: weighted(fc.constant(true), fc.constant(false), 1, 8),
      mutation: byteMutationArb(),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    })
    .map(({ items, separators, endWithNewline, mutation, cuts }) => {
      let stream = applyByteMutation(Buffer.from(joinLines(items.map(nodeText), separators, endWithNewline), 'utf8'), mutation);
      // A file-log file gets whole lines: a half line would join the next case's first line.
      if (mode === 'file' && stream[stream.length - 1] !== 10) stream = Buffer.concat([stream, Buffer.from('\n')]);
      const offsets = [...new Set(cuts.map((c) => (stream.length === 0 ? 0 : c % stream.length)))].sort((a, b) => a - b);
      return { stream, cuts: offsets, verdict: linesVerdict(stream, maxLineSize, mode === 'tcp' ? 'cut_off' : 'held') };
    });
}

// ---------------------------------------------------------------- udp-log

/** IPv4 UDP carries at most 65 507 bytes; longer ones are cut, as a network would never deliver them. */
export const MAX_DATAGRAM = 60_000;

export interface DatagramCase {
  readonly datagram: Buffer;
  readonly verdict: LinesVerdict;
}

export function datagramCaseArb(pool: readonly JsonNode[], limits: HostileLimits): fc.Arbitrary<DatagramCase> {
  return fc
    .tuple(batchItemArb(pool, limits), fc.constantFrom('', '', '\n', '\r\n'), byteMutationArb())
    .map(([node, end, mutation]) => {
      const datagram = applyByteMutation(Buffer.from(nodeText(node) + end, 'utf8'), mutation).subarray(0, MAX_DATAGRAM);
      return { datagram, verdict: datagramVerdict(datagram) };
    });
}
