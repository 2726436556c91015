import http from 'node:http';
import protobuf from 'protobufjs';
import { sendHttp } from './clients.js';
import type { HostileLimits } from './hostile_values.js';
import { CASE_TIMEOUT_MS, runProperty, type RunOptions } from './run_property.js';
import { otlpCaseArb, type OtlpCase } from './otlp_cases.js';
import type { FuzzPipeline } from './pipeline.js';
import { ReceiverReport, preview } from './report.js';

// ExportMetricsServiceResponse, declared here as any OTLP client would, to read `partial_success`.
const PartialSuccess = new protobuf.Type('ExportMetricsPartialSuccess')
  .add(new protobuf.Field('rejectedDataPoints', 1, 'int64'))
  .add(new protobuf.Field('errorMessage', 2, 'string'));
const ExportResponse = new protobuf.Type('ExportMetricsServiceResponse').add(new protobuf.Field('partialSuccess', 1, 'ExportMetricsPartialSuccess'));
new protobuf.Root().define('fuzz.otlp').add(PartialSuccess).add(ExportResponse);

interface ResponseShape {
  partialSuccess?: { rejectedDataPoints?: number | string };
}

/** `partial_success.rejected_data_points` of a 200 answer (0 when absent); undefined when the body does not decode. */
export function rejectedPoints(body: Buffer, encoding: 'protobuf' | 'json'): number | undefined {
  try {
    const o: ResponseShape =
      encoding === 'json'
        ? (JSON.parse(body.toString('utf8')) as ResponseShape)
        : (ExportResponse.toObject(ExportResponse.decode(body), { longs: Number }) as ResponseShape);
    return Number(o.partialSuccess?.rejectedDataPoints ?? 0);
  } catch {
    return undefined;
  }
}

function describe(c: OtlpCase): string {
  return `${c.encoding} type=${c.contentType} gzip=${c.gzip} intact=${c.intact}, wire ${preview(c.wire, 80)}`;
}

/**
 * OTLP/HTTP: every answer is one OTLP allows for the input (never 500 or a hang); an undamaged request is
 * answered 200 with exactly its invalid points in `partial_success`, and its valid points reach the exporter.
 */
export async function fuzzOtlp(p: FuzzPipeline, o: RunOptions, hostile: HostileLimits): Promise<ReceiverReport> {
  const report = new ReceiverReport('otlp', o.seed);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await runProperty(otlpCaseArb(hostile, o.limits.maxBodySize), o, report, async (c, i) => {
      report.cases++;
      const headers: http.OutgoingHttpHeaders = { 'content-type': c.contentType };
      if (c.gzip) headers['content-encoding'] = 'gzip';
      const outcome = await sendHttp(p.ports.otlp, agent, { method: 'POST', path: '/v1/metrics', headers, body: c.wire }, CASE_TIMEOUT_MS);
      if (outcome.kind !== 'answer') {
        report.outcome(outcome.kind);
        const early = c.statuses.every((s) => s === 413) && c.wire.length > o.limits.maxBodySize;
        if (outcome.kind === 'reset' && early) return;
        report.fail(i, outcome.kind === 'timeout' ? `no answer within ${CASE_TIMEOUT_MS} ms` : `connection failed without an answer (${outcome.error})`, describe(c));
        return;
      }
      report.outcome(outcome.status);
      if (!c.statuses.includes(outcome.status)) {
        report.fail(i, `answered ${outcome.status}, expected ${c.statuses.join(' or ')}`, describe(c));
        return;
      }
      if (!c.intact || outcome.status !== 200) return;
      const rejected = rejectedPoints(outcome.body, c.encoding);
      if (rejected !== c.rejected) {
        report.fail(i, `partial_success.rejected_data_points is ${rejected ?? 'unreadable'}, expected ${c.rejected}`, describe(c));
        return;
      }
      report.expected += c.accepted;
    });
  } finally {
    agent.destroy();
  }
  return report;
}
