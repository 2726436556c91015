import { readFileSync } from 'node:fs';
import net from 'node:net';
import { createGzip } from 'node:zlib';

/** Hand-made hostile inputs for the targeted tests, built from the verbatim Kong 3.8 docs sample. */

const PLAIN = readFileSync(new URL('../../testdata/kong/kong-3.8-plain.json', import.meta.url), 'utf8');

/** The Kong 3.8 sample (it has a request and a response: it counts once) with its route renamed. */
export function entry(route: string): Record<string, unknown> {
  const e = JSON.parse(PLAIN) as Record<string, Record<string, unknown>>;
  e.route.name = route;
  return e;
}

/** The entry's JSON with `extra` (raw JSON text) added as the value of key `x`. */
export function entryWith(route: string, extra: string): string {
  const text = JSON.stringify(entry(route));
  return `${text.slice(0, -1)},"x":${extra}}`;
}

export function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}

export function deepObject(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** An entry whose route name holds two bytes that are no UTF-8 (they decode to two U+FFFD). */
export function invalidUtf8Entry(): { bytes: Buffer; route: string } {
  const bytes = Buffer.from(JSON.stringify(entry('bad@@name')), 'utf8');
  const at = bytes.indexOf('@@');
  bytes[at] = 0xff;
  bytes[at + 1] = 0xfe;
  return { bytes, route: 'bad\ufffd\ufffdname' };
}

/** The key `route` twice: JSON.parse keeps the last. */
export function duplicateKeyEntry(first: string, last: string): string {
  return `{"route":{"name":${JSON.stringify(first)}},${JSON.stringify(entry(last)).slice(1)}`;
}

/** An entry whose measurements are number tokens JSON.parse turns into Infinity, -Infinity, 1e308. */
export function hugeNumbersEntry(route: string): string {
  const e = entry(route) as Record<string, Record<string, unknown>>;
  e.latencies.request = '__INF__';
  e.latencies.kong = '__MAX__';
  e.request.size = '__NEG__';
  e.response.size = '__MAX__';
  return JSON.stringify(e).replace('"__INF__"', '1e309').replace(/"__MAX__"/g, '1.7976931348623157e308').replace('"__NEG__"', '-1e309');
}

/** `megabytes` MB of zeros, gzipped (about 1 KB per MB). */
export async function gzipBomb(megabytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < megabytes; i++) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end();
  await done;
  return Buffer.concat(out);
}

export interface RawExchange {
  /** Status of the first answer on the connection, if one came. */
  readonly status: number | undefined;
  /** Milliseconds from the first byte sent until the server closed the connection (or gave up waiting). */
  readonly closedAfterMs: number;
  readonly closed: boolean;
}

/**
 * Writes `head` on a raw connection, then `trickle` one byte every `everyMs` (a slowloris), until the
 * server closes the connection or `giveUpMs` passes.
 */
export function rawExchange(port: number, head: Buffer | string, trickle: string, everyMs: number, giveUpMs: number): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const started = performance.now();
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: m === null ? undefined : Number(m[1]), closedAfterMs: performance.now() - started, closed });
    };
    const giveUp = setTimeout(() => finish(false), giveUpMs);
    socket.on('data', (c: Buffer) => {
      if (answer.length < 4096) answer += c.toString('latin1');
    });
    // The server may reset rather than close: either way the connection is gone.
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(head);
      if (trickle.length === 0) return;
      timer = setInterval(() => {
        if (socket.destroyed) return;
        socket.write(trickle[sent % trickle.length]);
        sent++;
      }, everyMs);
    });
  });
}

/** A request with `count` extra header lines (Node's limit is 16 KiB of headers). */
export function manyHeaders(path: string, contentType: string, body: Buffer, count: number): Buffer {
  let head = `POST ${path} HTTP/1.1\r\nHost: kongtel\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n`;
  for (let i = 0; i < count; i++) head += `X-Header-${i}: v\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body]);
}
