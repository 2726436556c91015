/** What the receiver accepts in `Content-Type` and `Content-Encoding` (OTLP/HTTP: binary protobuf or JSON). */

export type RequestEncoding = 'protobuf' | 'json';

export const PROTOBUF_CONTENT_TYPE = 'application/x-protobuf';
export const JSON_CONTENT_TYPE = 'application/json';

/** The request's encoding from its `Content-Type` (parameters ignored), or undefined for any other type. */
export function requestEncodingOf(header: string | undefined): RequestEncoding | undefined {
  if (header === undefined) return undefined;
  const semicolon = header.indexOf(';');
  const mediaType = (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === PROTOBUF_CONTENT_TYPE || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === JSON_CONTENT_TYPE) return 'json';
  return undefined;
}

export { bodyEncodingOf, type BodyEncoding } from '../../core/index.js';
