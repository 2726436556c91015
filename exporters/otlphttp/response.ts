import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { Encoding } from './encode.js';

/** How much of a backend's error text reaches the log: enough to read the reason, not a whole page. */
export const MAX_MESSAGE_CHARS = 512;

export interface PartialSuccess {
  readonly rejectedPoints: number;
  readonly errorMessage: string;
}

function isProtobuf(contentType: string | undefined, fallback: Encoding): boolean {
  if (!contentType) return fallback === 'proto';
  return /protobuf/i.test(contentType);
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined && /json/i.test(contentType);
}

/**
 * The `partial_success` of a 2xx answer (ExportMetricsServiceResponse). An empty body is full success.
 * A body that does not decode is treated as success: the backend said 2xx, and retrying would duplicate.
 */
export function parsePartialSuccess(body: Uint8Array, contentType: string | undefined, sent: Encoding): PartialSuccess {
  if (body.length === 0) return { rejectedPoints: 0, errorMessage: '' };
  try {
    if (isProtobuf(contentType, sent)) {
      const r = ProtobufMetricsSerializer.deserializeResponse(body);
      return {
        rejectedPoints: Number(r.partialSuccess?.rejectedDataPoints ?? 0) || 0,
        errorMessage: r.partialSuccess?.errorMessage ?? '',
      };
    }
    const r = JsonMetricsSerializer.deserializeResponse(body) as {
      partialSuccess?: { rejectedDataPoints?: number | string; errorMessage?: string };
      partial_success?: { rejected_data_points?: number | string; error_message?: string };
    };
    const ps = r.partialSuccess;
    const snake = r.partial_success;
    return {
      rejectedPoints: Number(ps?.rejectedDataPoints ?? snake?.rejected_data_points ?? 0) || 0,
      errorMessage: ps?.errorMessage ?? snake?.error_message ?? '',
    };
  } catch {
    return { rejectedPoints: 0, errorMessage: '' };
  }
}

/** google.rpc.Status { int32 code = 1; string message = 2; ... }: the message, or undefined if it is not one. */
function statusMessage(body: Uint8Array): string | undefined {
  let pos = 0;
  let message: string | undefined;
  const varint = (): number => {
    let result = 0;
    let shift = 1;
    for (;;) {
      const b = body[pos++];
      if (b === undefined) throw new Error('truncated');
      result += (b & 0x7f) * shift;
      if (b < 0x80) return result;
      shift *= 128;
    }
  };
  try {
    while (pos < body.length) {
      const tag = varint();
      const wire = tag & 7;
      const field = Math.floor(tag / 8);
      if (wire === 0) varint();
      else if (wire === 2) {
        const len = varint();
        if (pos + len > body.length) return undefined;
        if (field === 2) message = Buffer.from(body.subarray(pos, pos + len)).toString('utf8');
        pos += len;
      } else if (wire === 1) pos += 8;
      else if (wire === 5) pos += 4;
      else return undefined;
    }
  } catch {
    return undefined;
  }
  return pos === body.length ? message : undefined;
}

function jsonMessage(text: string): string | undefined {
  try {
    const v = JSON.parse(text) as { message?: unknown; error?: { message?: unknown } };
    // google.rpc.Status in JSON, or Dynatrace's ErrorEnvelope `{ "error": { "code", "message" } }`.
    if (typeof v.message === 'string') return v.message;
    if (typeof v.error?.message === 'string') return v.error.message;
  } catch {
    // not JSON after all: fall back to the text
  }
  return undefined;
}

function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

/** The backend's reason for refusing a request, in words a log reader can act on. */
export function errorText(body: Uint8Array, contentType: string | undefined): string {
  if (body.length === 0) return '(empty response body)';
  if (contentType && /protobuf/i.test(contentType)) {
    const m = statusMessage(body);
    if (m !== undefined) return truncate(printable(m));
  }
  const text = Buffer.from(body.subarray(0, 64 * 1024)).toString('utf8');
  if (isJson(contentType) || text.trimStart().startsWith('{')) {
    const m = jsonMessage(text);
    if (m !== undefined) return truncate(printable(m));
  }
  return truncate(printable(text));
}

/** `Retry-After` as seconds or an HTTP-date, in milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
