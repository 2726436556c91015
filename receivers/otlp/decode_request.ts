import { errorMessage } from '../../core/index.js';
import type { RequestEncoding } from './content.js';
import { decodeJsonRequest } from './json_request.js';
import { decodeProtobufRequest } from './proto_codec.js';
import type { WireRequest } from './wire.js';

/**
 * The request as the wire shape, or why it is not an ExportMetricsServiceRequest (answered 400). Such a
 * request has no points to count by reason: it shows in kongtel_receiver_requests_total{code="400"} only,
 * so a message is all it needs.
 */
export function decodeRequest(body: Buffer, encoding: RequestEncoding): WireRequest | string {
  if (encoding === 'protobuf') {
    try {
      return decodeProtobufRequest(body);
    } catch (err) {
      return `malformed protobuf: not an ExportMetricsServiceRequest (${errorMessage(err)})`;
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return `malformed JSON: ${errorMessage(err)}`;
  }
  try {
    return decodeJsonRequest(json);
  } catch (err) {
    return `not an OTLP/JSON ExportMetricsServiceRequest: ${errorMessage(err)}`;
  }
}
