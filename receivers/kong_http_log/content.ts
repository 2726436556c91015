/** What the receiver accepts in `Content-Type` and `Content-Encoding`. */

/** `application/json` or `application/<anything>+json`, parameters (charset…) ignored. */
const JSON_MEDIA_TYPE = /^application\/(?:[a-z0-9!#$&^_.-]+\+)?json$/;

export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semicolon = header.indexOf(';');
  const mediaType = (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  return JSON_MEDIA_TYPE.test(mediaType);
}

export { bodyEncodingOf, type BodyEncoding } from '../../core/index.js';
