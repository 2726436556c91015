import { appendFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatagramSender, sendTcp, waitUntil } from '../../bench/fuzz/clients.js';
import { startFuzzPipeline, type FuzzPipeline, type KongReceiverId } from '../../bench/fuzz/pipeline.js';
import { Watchdog } from '../../bench/fuzz/watchdog.js';
import { deepArray, deepObject, duplicateKeyEntry, entry, entryWith, hugeNumbersEntry, invalidUtf8Entry, rawExchange } from '../support/fuzz/hostile_bodies.js';

/**
 * The hostile inputs of the issue against the line and datagram receivers in the real engine, with their
 * default limits (max_line_size 1 MiB) and a 1 s tcp idle_timeout.
 */
const MIB = 1024 * 1024;

let p: FuzzPipeline;
const watchdog = new Watchdog();

beforeAll(async () => {
  p = await startFuzzPipeline({ maxBodySize: 20 * MIB, maxLineSize: MIB, interval: '100ms', tcpIdleTimeout: '1s' });
});

afterAll(async () => {
  await p.stop();
  watchdog.stop();
  expect(watchdog.unhandled).toEqual([]);
});

type Sender = (bytes: Buffer) => Promise<void>;

const line = (text: string | Buffer): Buffer => Buffer.concat([Buffer.from(text), Buffer.from('\n')]);

const senders: Record<Exclude<KongReceiverId, 'kong_http_log'>, () => Sender> = {
  kong_tcp_log: () => async (bytes) => {
    expect((await sendTcp(p.ports.kong_tcp_log, bytes, [], 10_000)).kind).toBe('closed');
  },
  kong_file_log: () => (bytes) => appendFile(p.logFile, bytes),
  kong_udp_log: () => {
    const sender = new DatagramSender(p.ports.kong_udp_log);
    return async (bytes) => {
      // One datagram per line, as Kong's udp-log sends one entry per datagram.
      for (let start = 0; start < bytes.length; ) {
        const nl = bytes.indexOf(10, start);
        const end = nl < 0 ? bytes.length : nl;
        if (end > start) expect(await sender.send(bytes.subarray(start, end))).toBeUndefined();
        start = end + 1;
      }
    };
  },
};

/** Sends, then waits until the receiver accounted for `accounted` lines and returns how much the count grew. */
async function deliver(receiver: keyof typeof senders, send: Sender, bytes: Buffer, accounted: number): Promise<number> {
  const capture = p.capture(receiver);
  const before = { count: capture.requestCount, accounted: p.accounted(receiver) };
  await send(bytes);
  expect(await waitUntil(() => p.accounted(receiver) - before.accounted >= accounted, 5_000, 5)).toBe(true);
  expect(p.accounted(receiver) - before.accounted).toBe(accounted);
  // Emitted every 100 ms: wait two intervals for the last one.
  await new Promise((resolve) => setTimeout(resolve, 250));
  return capture.requestCount - before.count;
}

describe.each(['kong_tcp_log', 'kong_file_log', 'kong_udp_log'] as const)('%s: hostile lines', (receiver) => {
  let send: Sender;
  beforeAll(() => {
    send = senders[receiver]();
  });

  it('10 000-deep nesting inside entries: each counts', async () => {
    const bytes = Buffer.concat([line(entryWith('deep', deepArray(10_000))), line(entryWith('deep', deepObject(10_000)))]);
    expect(await deliver(receiver, send, bytes, 2)).toBe(2);
  });

  it('10 000-deep nesting as the whole line: rejected, the next line counts', async () => {
    const bytes = Buffer.concat([line(deepArray(10_000)), line(deepObject(10_000)), line(JSON.stringify(entry('after-deep')))]);
    expect(await deliver(receiver, send, bytes, 3)).toBe(1);
  });

  it('invalid UTF-8 inside a string: counted, the bytes read as U+FFFD', async () => {
    const { bytes, route } = invalidUtf8Entry();
    expect(await deliver(receiver, send, line(bytes), 1)).toBe(1);
    expect(p.capture(receiver).byRoute.get(route)).toBe(1);
  });

  it('a repeated key: the last one wins, counted once', async () => {
    expect(await deliver(receiver, send, line(duplicateKeyEntry('first-line-key', 'last-line-key')), 1)).toBe(1);
    expect(p.capture(receiver).byRoute.get('last-line-key')).toBe(1);
    expect(p.capture(receiver).byRoute.has('first-line-key')).toBe(false);
  });

  it('1e309 and 1.8e308 as measurements: counted, nothing infinite reaches the exporter', async () => {
    expect(await deliver(receiver, send, line(hugeNumbersEntry('huge-line')), 1)).toBe(1);
    expect(p.capture(receiver).nonFinite).toEqual([]);
  });
});

describe.each(['kong_tcp_log', 'kong_file_log'] as const)('%s: a 10 MB line', (receiver) => {
  it('is rejected as too long (max_line_size 1 MiB) without being held, and the next line counts', async () => {
    const send = senders[receiver]();
    const bytes = Buffer.concat([line(entryWith('huge', JSON.stringify('x'.repeat(10 * MIB)))), line(JSON.stringify(entry('after-huge')))]);
    const rss = process.memoryUsage.rss();
    expect(await deliver(receiver, send, bytes, 2)).toBe(1);
    expect(p.capture(receiver).byRoute.get('after-huge')).toBe(1);
    expect(process.memoryUsage.rss() - rss).toBeLessThan(200 * MIB);
  });
});

describe('kong_udp_log: datagrams no Kong sends', () => {
  it('empty, blank, binary and 60 KB datagrams: rejected or ignored, the next one counts', async () => {
    const sender = new DatagramSender(p.ports.kong_udp_log);
    const before = { count: p.capture('kong_udp_log').requestCount, accounted: p.accounted('kong_udp_log') };
    for (const d of [Buffer.alloc(0), Buffer.from('\r\n'), Buffer.from([0, 1, 2, 0xff, 0xfe]), Buffer.alloc(60_000, 0x7b), Buffer.from('[{"request":{}}]')]) {
      expect(await sender.send(d)).toBeUndefined();
    }
    expect(await sender.send(Buffer.from(JSON.stringify(entry('after-garbage'))))).toBeUndefined();
    // Empty and blank datagrams carry nothing; the other three are rejected; the last one is an entry.
    expect(await waitUntil(() => p.accounted('kong_udp_log') - before.accounted >= 4, 5_000, 5)).toBe(true);
    await waitUntil(() => p.capture('kong_udp_log').byRoute.has('after-garbage'), 3_000, 10);
    expect(p.accounted('kong_udp_log') - before.accounted).toBe(4);
    expect(p.capture('kong_udp_log').requestCount - before.count).toBe(1);
    await sender.close();
  });
});

describe.concurrent('kong_tcp_log: idle connections are closed after idle_timeout (1 s)', () => {
  it('a connection that sends nothing', async () => {
    const exchange = await rawExchange(p.ports.kong_tcp_log, '', '', 0, 5_000);
    expect(exchange.closed).toBe(true);
    expect(exchange.closedAfterMs).toBeGreaterThan(900);
    expect(exchange.closedAfterMs).toBeLessThan(2_500);
  });

  it('a connection that stops in the middle of an entry: closed, the cut line rejected as truncated', async () => {
    const rejected = (): number => p.collector.telemetry.sum('kongtel_receiver_rejected_log_records_total', { receiver: 'kong_tcp_log', reason: 'truncated' });
    const before = rejected();
    const exchange = await rawExchange(p.ports.kong_tcp_log, JSON.stringify(entry('cut')).slice(0, 100), '', 0, 5_000);
    expect(exchange.closed).toBe(true);
    expect(exchange.closedAfterMs).toBeLessThan(2_500);
    expect(await waitUntil(() => rejected() > before, 2_000, 5)).toBe(true);
  });
});
