import { appendFile } from 'node:fs/promises';
import http from 'node:http';
import { DatagramSender, sendHttp, sendTcp, waitUntil } from './clients.js';
import type { HostileLimits } from './hostile_values.js';
import { datagramCaseArb, kongHttpCaseArb, lineCaseArb, type KongHttpCase } from './kong_cases.js';
import type { LinesVerdict } from './kong_oracle.js';
import type { FuzzPipeline, KongReceiverId } from './pipeline.js';
import { ReceiverReport, preview } from './report.js';
import { CASE_TIMEOUT_MS, runProperty, type RunOptions } from './run_property.js';

/** The Kong-log receivers' properties: http-log answers, and tcp-log, udp-log, file-log accounting. */

/** An early answer (404/405/413/415) closes a connection whose body it did not read; the upload may then fail first. */
function mayResetBeforeAnswer(c: KongHttpCase, maxBodySize: number): boolean {
  const early = c.statuses.every((s) => s === 404 || s === 405 || s === 413 || s === 415);
  return early && (c.wire.length > maxBodySize || c.transport.chunked);
}

function describeHttp(c: KongHttpCase): string {
  const t = c.transport;
  return `${t.method} ${t.path} type=${t.contentType ?? '-'} encoding=${t.contentEncoding ?? '-'} gzip=${t.gzip} chunked=${t.chunked} mutation=${c.mutation.kind}, body ${preview(c.body)}`;
}

export async function fuzzKongHttp(p: FuzzPipeline, o: RunOptions, hostile: HostileLimits): Promise<ReceiverReport> {
  const report = new ReceiverReport('kong_http_log', o.seed);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await runProperty(kongHttpCaseArb(o.pool, hostile, o.limits.maxBodySize), o, report, async (c, run) => {
      report.cases++;
      const headers: http.OutgoingHttpHeaders = {};
      if (c.transport.contentType !== undefined) headers['content-type'] = c.transport.contentType;
      if (c.transport.contentEncoding !== undefined) headers['content-encoding'] = c.transport.contentEncoding;
      const outcome = await sendHttp(
        p.ports.kong_http_log,
        agent,
        { method: c.transport.method, path: c.transport.path, headers, body: c.wire, chunked: c.transport.chunked },
        CASE_TIMEOUT_MS,
      );
      if (outcome.kind === 'answer') {
        report.outcome(outcome.status);
        if (!c.statuses.includes(outcome.status)) {
          report.fail(run, `answered ${outcome.status} (${outcome.body.toString('utf8').trim().slice(0, 200)}), expected ${c.statuses.join(' or ')}`, describeHttp(c));
        } else if (outcome.status === 200) {
          report.expected += c.counted;
        }
        return;
      }
      report.outcome(outcome.kind);
      if (outcome.kind === 'reset' && mayResetBeforeAnswer(c, o.limits.maxBodySize)) return;
      report.fail(run, outcome.kind === 'timeout' ? `no answer within ${CASE_TIMEOUT_MS} ms` : `connection failed without an answer (${outcome.error})`, describeHttp(c));
    });
  } finally {
    agent.destroy();
  }
  return report;
}

/** Waits until the receiver accounted for `verdict.accounted` more items than `before`, and checks it took no more. */
async function expectAccounted(
  p: FuzzPipeline,
  receiver: KongReceiverId,
  before: number,
  verdict: LinesVerdict,
  report: ReceiverReport,
  run: number,
  input: string,
): Promise<void> {
  const reached = await waitUntil(() => p.accounted(receiver) - before >= verdict.accounted, CASE_TIMEOUT_MS);
  const got = p.accounted(receiver) - before;
  if (!reached || got !== verdict.accounted) {
    report.fail(run, `accounted for ${got} lines/entries, expected exactly ${verdict.accounted}${reached ? '' : ` (gave up after ${CASE_TIMEOUT_MS} ms)`}`, input);
    return;
  }
  report.expected += verdict.counted;
}

export async function fuzzKongTcp(p: FuzzPipeline, o: RunOptions, hostile: HostileLimits): Promise<ReceiverReport> {
  const report = new ReceiverReport('kong_tcp_log', o.seed);
  await runProperty(lineCaseArb(o.pool, hostile, o.limits.maxLineSize, 'tcp'), o, report, async (c, run) => {
    report.cases++;
    const before = p.accounted('kong_tcp_log');
    const outcome = await sendTcp(p.ports.kong_tcp_log, c.stream, c.cuts, CASE_TIMEOUT_MS);
    report.outcome(outcome.kind);
    const input = `${c.cuts.length + 1} writes, ${preview(c.stream)}`;
    if (outcome.kind !== 'closed') {
      report.fail(run, outcome.kind === 'timeout' ? `connection not closed within ${CASE_TIMEOUT_MS} ms of our FIN` : `connection failed (${outcome.error})`, input);
    }
    await expectAccounted(p, 'kong_tcp_log', before, c.verdict, report, run, input);
  });
  return report;
}

export async function fuzzKongUdp(p: FuzzPipeline, o: RunOptions, hostile: HostileLimits): Promise<ReceiverReport> {
  const report = new ReceiverReport('kong_udp_log', o.seed);
  const sender = new DatagramSender(p.ports.kong_udp_log);
  try {
    await runProperty(datagramCaseArb(o.pool, hostile), o, report, async (c, run) => {
      report.cases++;
      const before = p.accounted('kong_udp_log');
      const error = await sender.send(c.datagram);
      const input = preview(c.datagram);
      if (error !== undefined) {
        report.outcome('send_error');
        report.fail(run, `could not send the datagram (${error})`, input);
        return;
      }
      report.outcome('sent');
      await expectAccounted(p, 'kong_udp_log', before, c.verdict, report, run, input);
    });
  } finally {
    await sender.close();
  }
  return report;
}

export async function fuzzKongFile(p: FuzzPipeline, o: RunOptions, hostile: HostileLimits): Promise<ReceiverReport> {
  const report = new ReceiverReport('kong_file_log', o.seed);
  await runProperty(lineCaseArb(o.pool, hostile, o.limits.maxLineSize, 'file'), o, report, async (c, run) => {
    report.cases++;
    const before = p.accounted('kong_file_log');
    await appendFile(p.logFile, c.stream);
    report.outcome('appended');
    await expectAccounted(p, 'kong_file_log', before, c.verdict, report, run, preview(c.stream));
  });
  return report;
}
