import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { DataPointFlags, LogPosition } from '../../core/index.js';
import { patchPointFlags } from './flags_proto.js';

const gzip = promisify(gzipCb);

export type Encoding = 'proto' | 'json';
export type Compression = 'gzip' | 'none';

/**
 * One OTLP/HTTP request, ready to send: the bytes are final (encoded and compressed), so the persistent
 * queue stores them as they are and a restart sends them without re-encoding.
 */
export interface EncodedRequest {
  readonly body: Uint8Array;
  readonly points: number;
  readonly encoding: Encoding;
  readonly compression: Compression;
  /** Durable mode: the batch's `covers`, stored with the request (docs/durability.md). */
  readonly covers?: readonly LogPosition[];
}

export const CONTENT_TYPE: Readonly<Record<Encoding, string>> = {
  proto: 'application/x-protobuf',
  json: 'application/json',
};

/** Flags of every point in serializer order, or undefined when no point carries any (the usual case). */
function pointFlags(resourceMetrics: ResourceMetrics): number[] | undefined {
  let out: number[] | undefined;
  let i = 0;
  for (const sm of resourceMetrics.scopeMetrics) {
    for (const m of sm.metrics) {
      for (const p of m.dataPoints) {
        const f = (p as DataPointFlags).flags ?? 0;
        if (f !== 0) {
          out ??= [];
          out[i] = f;
        }
        i++;
      }
    }
  }
  if (out) for (let j = 0; j < i; j++) out[j] ??= 0;
  return out;
}

function encodeProto(resourceMetrics: ResourceMetrics): Uint8Array {
  const bytes = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  if (!bytes) throw new Error('the OTLP protobuf serializer returned nothing');
  const flags = pointFlags(resourceMetrics);
  return flags ? patchPointFlags(bytes, flags) : bytes;
}

interface JsonPoint {
  flags?: number;
}
interface JsonMetric {
  [kind: string]: { dataPoints?: JsonPoint[] } | string | undefined;
}
interface JsonRequest {
  resourceMetrics: { scopeMetrics?: { metrics?: JsonMetric[] }[] }[];
}

function encodeJsonObject(resourceMetrics: ResourceMetrics): JsonRequest {
  const bytes = JsonMetricsSerializer.serializeRequest(resourceMetrics);
  if (!bytes) throw new Error('the OTLP JSON serializer returned nothing');
  const request = JSON.parse(Buffer.from(bytes).toString('utf8')) as JsonRequest;
  const flags = pointFlags(resourceMetrics);
  if (flags) {
    let i = 0;
    for (const rm of request.resourceMetrics) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram']) {
            const data = m[kind];
            if (typeof data !== 'object') continue;
            for (const p of data.dataPoints ?? []) {
              const f = flags[i++];
              if (f) p.flags = f;
            }
          }
        }
      }
    }
  }
  return request;
}

/**
 * Serializes with the SDK's own OTLP serializers, which take one ResourceMetrics each. A protobuf request
 * is a repeated field, so concatenating per-resource requests is one valid request; JSON is merged.
 */
export function serialize(resourceMetrics: readonly ResourceMetrics[], encoding: Encoding): Uint8Array {
  if (encoding === 'proto') {
    if (resourceMetrics.length === 1) return encodeProto(resourceMetrics[0]);
    return Buffer.concat(resourceMetrics.map(encodeProto));
  }
  const merged: JsonRequest = { resourceMetrics: [] };
  for (const rm of resourceMetrics) merged.resourceMetrics.push(...encodeJsonObject(rm).resourceMetrics);
  return Buffer.from(JSON.stringify(merged), 'utf8');
}

/** gzip runs on libuv's thread pool, off the event loop that receivers answer on. */
export async function encodeRequest(
  resourceMetrics: readonly ResourceMetrics[],
  points: number,
  encoding: Encoding,
  compression: Compression,
): Promise<EncodedRequest> {
  const raw = serialize(resourceMetrics, encoding);
  const body = compression === 'gzip' ? await gzip(raw) : raw;
  return { body, points, encoding, compression };
}
