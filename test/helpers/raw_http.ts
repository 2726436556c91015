import net from 'node:net';

/**
 * A raw HTTP/1.1 client on node:net, for what http.request hides: a body written while the answer is
 * already coming back, the exact bytes of the answer, and whether the connection ended with a FIN (the
 * answer could be read) or a reset (a client may lose it).
 */

export interface RawUpload {
  /** Request line and headers, without the blank line that ends them (`verbatim`: written as is). */
  readonly head: string;
  readonly verbatim?: boolean;
  /** The body bytes as they go on the wire (already chunk-framed for a chunked upload). */
  readonly body: Buffer;
  /** Bytes written per write() call. */
  readonly chunkSize?: number;
  /** Pause between writes, ms, as over a link slower than loopback (0: as fast as the socket takes them). */
  readonly pauseMs?: number;
  /**
   * `write-then-read` (default): the whole body is written before the answer is read, as Kong's
   * lua-resty-http does; a reset while writing loses the answer. `read-while-writing`: reads all along
   * and stops writing at the server's FIN, as Node's http client does. `forever`: writes `body` over
   * and over, ignoring the FIN, until the server cuts the connection.
   */
  readonly client?: 'write-then-read' | 'read-while-writing' | 'forever';
  /** Requests sent (and answered) on the same connection before this one, to test keep-alive. */
  readonly before?: readonly string[];
  /** Give up after this long, ms. */
  readonly giveUpMs?: number;
}

export interface RawAnswer {
  /** Status of the answer to the upload (after those of `before`), if the client read one. */
  readonly status: number | undefined;
  /** Statuses of every answer read on the connection, in order. */
  readonly statuses: readonly number[];
  /** Everything the client read (latin1), at most 64 KiB. */
  readonly text: string;
  /** The error the socket ended with (ECONNRESET, EPIPE…), undefined for a clean close. */
  readonly error: string | undefined;
  /** Body bytes the client handed to the socket before it closed. */
  readonly written: number;
  /** True when the server closed the connection (false: the client gave up first). */
  readonly closed: boolean;
  readonly elapsedMs: number;
  /** When the status line of the upload's answer arrived, ms from connecting (undefined: it did not). */
  readonly answeredAtMs: number | undefined;
}

/** The status codes of every HTTP/1.1 answer in `text`, in order. */
export function statusesIn(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}

/** `size` bytes that do not compress (a fixed pseudo-random sequence from `seed`), so gzip keeps them large. */
export function noise(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0, x = seed >>> 0 || 1; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** `body` in chunked transfer coding, cut into chunks of `size` bytes, with the last-chunk marker. */
export function chunked(body: Buffer, size = 16 * 1024): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) {
    const piece = body.subarray(i, i + size);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`, 'latin1'), piece, Buffer.from('\r\n', 'latin1'));
  }
  parts.push(Buffer.from('0\r\n\r\n', 'latin1'));
  return Buffer.concat(parts);
}

/**
 * Connects, sends `before` (each one waited for), then the upload's head and body as fast as the socket
 * takes them, reading all the while; resolves when the server closes the connection or `giveUpMs` passes.
 */
export function rawUpload(port: number, o: RawUpload): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const client = o.client ?? 'write-then-read';
    // Half-open allowed, so the server's FIN does not end our side unless the client says so.
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const started = performance.now();
    const chunkSize = o.chunkSize ?? 64 * 1024;
    const before = o.before ?? [];
    let text = '';
    let error: string | undefined;
    let written = 0;
    let uploading = false;
    let settled = false;
    let answeredAtMs: number | undefined;

    const finish = (closed: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(giveUp);
      socket.destroy();
      const statuses = statusesIn(text);
      const elapsedMs = performance.now() - started;
      resolve({ status: statuses[before.length], statuses, text, error, written, closed, elapsedMs, answeredAtMs });
    };
    const giveUp = setTimeout(() => finish(false), o.giveUpMs ?? 10_000);

    const pump = (): void => {
      let offset = written % Math.max(1, o.body.length);
      while (!socket.destroyed && socket.writable) {
        if (client !== 'forever' && written >= o.body.length) {
          // Everything is handed to the kernel; a reset still to come would show as an error.
          if (client === 'write-then-read') socket.write(Buffer.alloc(0), () => socket.resume());
          return;
        }
        const piece = o.body.subarray(offset, offset + chunkSize);
        written += piece.length;
        offset = (offset + piece.length) % o.body.length;
        const more = socket.write(piece);
        if (!more) {
          socket.once('drain', pump);
          return;
        }
        if ((o.pauseMs ?? 0) > 0) {
          setTimeout(pump, o.pauseMs);
          return;
        }
      }
    };
    const upload = (): void => {
      uploading = true;
      if (client === 'write-then-read') socket.pause();
      socket.write(o.verbatim ? o.head : `${o.head}\r\n\r\n`);
      pump();
    };
    let sentBefore = 0;
    /** One request of `before` at a time, each after the answer to the last; then the upload. */
    const next = (): void => {
      const answered = statusesIn(text).length;
      if (answered < sentBefore) return;
      if (sentBefore < before.length) socket.write(before[sentBefore++]);
      else upload();
    };

    socket.on('data', (c: Buffer) => {
      if (text.length < 64 * 1024) text += c.toString('latin1');
      if (answeredAtMs === undefined && statusesIn(text).length > before.length) answeredAtMs = performance.now() - started;
      if (!uploading) next();
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error ??= err.code ?? err.message;
    });
    socket.on('close', () => finish(true));
    socket.on('end', () => {
      if (client !== 'forever') socket.end();
    });
    socket.on('connect', next);
  });
}
