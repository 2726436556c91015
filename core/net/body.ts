import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
/** How the request body is encoded on the wire (`Content-Encoding`). */
export type BodyEncoding = 'identity' | 'gzip';

/** The body's encoding from `Content-Encoding`, or undefined when it is one no receiver can decode. */
export function bodyEncodingOf(header: string | undefined): BodyEncoding | undefined {
  if (header === undefined) return 'identity';
  const value = header.trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  return undefined;
}

export type BodyResult =
  | { readonly kind: 'complete'; readonly body: Buffer }
  /** `bytes`: how much was received (or inflated) when reading stopped, a little over the limit. */
  | { readonly kind: 'too_large'; readonly bytes: number }
  | { readonly kind: 'corrupt'; readonly reason: string }
  | { readonly kind: 'aborted' };

/**
 * Reads a request body into one Buffer, holding at most `limit` bytes of decoded body. The limit applies
 * to the received bytes and, for gzip, to the inflated bytes too: inflating stops at the first chunk past
 * the limit, so a gzip bomb costs at most `limit` bytes of memory and the time to inflate them.
 * Never rejects: a client that goes away mid-body is `aborted`.
 */
export function readBody(source: Readable, encoding: BodyEncoding, limit: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let held = 0;
    let received = 0;
    let settled = false;
    let sourceEnded = false;
    const inflater = encoding === 'gzip' ? createGunzip() : undefined;

    const settle = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      source.off('data', onSourceData);
      if (inflater !== undefined) {
        source.unpipe(inflater);
        inflater.destroy();
      }
      // Whatever the client still sends is read and dropped, so the socket can close with a FIN, not a
      // reset that might destroy our answer before the client reads it.
      source.resume();
      resolve(result);
    };

    const hold = (chunk: Buffer): void => {
      held += chunk.length;
      if (held > limit) settle({ kind: 'too_large', bytes: held });
      else chunks.push(chunk);
    };

    const complete = (): void => {
      settle({ kind: 'complete', body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, held) });
    };

    function onSourceData(chunk: Buffer): void {
      if (inflater === undefined) {
        hold(chunk);
        return;
      }
      // Compressed bytes count too: gzip members that inflate to nothing must not stream forever.
      received += chunk.length;
      if (received > limit) settle({ kind: 'too_large', bytes: received });
    }

    // The error listener stays for the life of the request: a reset after we settled must not become an
    // unhandled 'error' event.
    source.on('error', () => settle({ kind: 'aborted' }));
    source.on('close', () => {
      if (!sourceEnded) settle({ kind: 'aborted' });
    });
    source.on('end', () => {
      sourceEnded = true;
      if (inflater === undefined) complete();
    });
    source.on('data', onSourceData);

    if (inflater !== undefined) {
      inflater.on('data', hold);
      inflater.on('end', complete);
      inflater.on('error', (err: Error) => settle({ kind: 'corrupt', reason: `corrupt gzip body: ${err.message}` }));
      source.pipe(inflater);
    }
  });
}
