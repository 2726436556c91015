import { JSON_CONTENT_TYPE, PROTOBUF_CONTENT_TYPE, type RequestEncoding } from './content.js';
import { encodeProtobufResponse, encodeProtobufStatus, type PartialSuccess } from './proto_codec.js';

/**
 * Answer bodies as OTLP/HTTP prescribes: in the request's encoding, an ExportMetricsServiceResponse for
 * 200 and a google.rpc.Status for errors. When the request's encoding is unknown (415, or an answer given
 * before the content type was looked at on a request without one), the error is one line of plain text.
 */

export interface AnswerBody {
  readonly contentType: string;
  readonly body: Uint8Array;
}

const TEXT_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** gRPC status codes for the HTTP answers the receiver gives (google.rpc.Code). */
const GRPC_CODE: Readonly<Record<number, number>> = {
  400: 3, // INVALID_ARGUMENT
  401: 16, // UNAUTHENTICATED
  404: 5, // NOT_FOUND
  405: 12, // UNIMPLEMENTED
  413: 8, // RESOURCE_EXHAUSTED
  415: 3, // INVALID_ARGUMENT
  500: 13, // INTERNAL
  503: 14, // UNAVAILABLE
};
const GRPC_UNKNOWN = 2;

export function successBody(encoding: RequestEncoding, partial: PartialSuccess | undefined): AnswerBody {
  if (encoding === 'protobuf') return { contentType: PROTOBUF_CONTENT_TYPE, body: encodeProtobufResponse(partial) };
  // Proto3 JSON writes int64 as a string.
  const json =
    partial === undefined
      ? {}
      : { partialSuccess: { rejectedDataPoints: String(partial.rejectedDataPoints), errorMessage: partial.errorMessage } };
  return { contentType: JSON_CONTENT_TYPE, body: Buffer.from(JSON.stringify(json), 'utf8') };
}

export function errorBody(encoding: RequestEncoding | undefined, status: number, message: string): AnswerBody {
  const text = message.replace(/[\r\n]+/g, ' ');
  const code = GRPC_CODE[status] ?? GRPC_UNKNOWN;
  if (encoding === 'protobuf') return { contentType: PROTOBUF_CONTENT_TYPE, body: encodeProtobufStatus(code, text) };
  if (encoding === 'json') {
    return { contentType: JSON_CONTENT_TYPE, body: Buffer.from(JSON.stringify({ code, message: text }), 'utf8') };
  }
  return { contentType: TEXT_CONTENT_TYPE, body: Buffer.from(`${text}\n`, 'utf8') };
}
