import protobuf from 'protobufjs';
import { METRICS_PROTO, STATUS_PROTO } from './metrics_proto.js';
import type { WireRequest } from './wire.js';

/**
 * OTLP protobuf with protobufjs: the SDK's `@opentelemetry/otlp-transformer` encodes requests but has no
 * request decoder. The schema is parsed once, at module load.
 */

const root = new protobuf.Root();
protobuf.parse(METRICS_PROTO, root, { keepCase: true });
protobuf.parse(STATUS_PROTO, root, { keepCase: true });
const RequestType = root.lookupType('otlp.ExportMetricsServiceRequest');
const ResponseType = root.lookupType('otlp.ExportMetricsServiceResponse');
const StatusType = root.lookupType('google.rpc.Status');

/** 64-bit integers as decimal text (see `Int64Text`), enums as numbers, bytes as Buffers, absent fields absent. */
const TO_WIRE: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: false, arrays: false, oneofs: false };

/** Throws (protobufjs' own error, naming the wire problem) when the bytes are not an ExportMetricsServiceRequest. */
export function decodeProtobufRequest(body: Uint8Array): WireRequest {
  const message = RequestType.decode(body);
  // toObject's result is untyped; with the options above it has exactly the shape `WireRequest` describes.
  return RequestType.toObject(message, TO_WIRE) as WireRequest;
}

export interface PartialSuccess {
  readonly rejectedDataPoints: number;
  readonly errorMessage: string;
}

/** An ExportMetricsServiceResponse: empty on full success (zero bytes), else with `partial_success`. */
export function encodeProtobufResponse(partial: PartialSuccess | undefined): Uint8Array {
  if (partial === undefined) return new Uint8Array(0);
  const message = ResponseType.fromObject({
    partial_success: { rejected_data_points: partial.rejectedDataPoints, error_message: partial.errorMessage },
  });
  return ResponseType.encode(message).finish();
}

/** A google.rpc.Status, the body OTLP/HTTP prescribes for error answers to protobuf requests. */
export function encodeProtobufStatus(code: number, message: string): Uint8Array {
  return StatusType.encode(StatusType.fromObject({ code, message })).finish();
}
