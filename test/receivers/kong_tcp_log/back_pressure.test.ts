import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/index.js';
import { close, closedByPeer, connect, entryLine, startReceiver, write } from './harness.js';
import { sleep, until } from '../../support/wait.js';

describe('kong_tcp_log back-pressure', () => {
  it('stops reading while the pipeline pushes back, so the client backs up, then delivers everything once', async () => {
    const clock = new ManualClock();
    const h = await startReceiver({}, { clock });
    try {
      h.next.answer = 'refuse';
      h.next.retryAfterSeconds = 1;
      const socket = await connect(h.port);
      // ~30 MB: more than loopback's socket buffers hold on both sides together.
      const total = 30_000;
      for (let i = 0; i < total; i += 100) {
        let chunk = '';
        for (let j = i; j < i + 100; j++) chunk += entryLine(`bp-${j}`, 900);
        socket.write(chunk);
      }
      await until('the first attempt', () => h.next.attempts === 1);
      await sleep(300);
      // Nothing retried before the clock reaches Retry-After; the client's bytes wait on its side.
      expect(h.next.attempts).toBe(1);
      expect(h.next.entries).toHaveLength(0);
      const backedUp = socket.writableLength;
      expect(backedUp).toBeGreaterThan(5_000_000);
      await sleep(100);
      expect(socket.writableLength).toBe(backedUp);

      h.next.answer = 'accept';
      clock.advance(1000);
      await until('all entries', () => h.next.entries.length >= total, 20_000);
      const ids = h.next.ids();
      expect(ids).toHaveLength(total);
      expect(new Set(ids).size).toBe(total);
      expect(ids[0]).toBe('bp-0');
      expect(ids[total - 1]).toBe(`bp-${total - 1}`);
      expect(h.accepted()).toBe(total);
      expect(h.refused('back_pressure')).toBe(0);
      await close(socket);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('retries a refused batch until back_pressure_timeout, then counts it as refused and reads on', async () => {
    const clock = new ManualClock();
    const h = await startReceiver({ back_pressure_timeout: '2s' }, { clock });
    try {
      h.next.answer = 'refuse';
      const socket = await connect(h.port);
      await write(socket, entryLine('given-up'));
      await until('attempt 1', () => h.next.attempts === 1);
      clock.advance(1000);
      await until('attempt 2', () => h.next.attempts === 2);
      clock.advance(1000);
      await until('attempt 3', () => h.next.attempts === 3);
      // A fourth try would end after the 2 s budget: the batch is dropped and counted.
      await until('refused', () => h.refused('back_pressure') === 1);
      expect(h.logs.filter((l) => l.level === 50)).toHaveLength(1);

      h.next.answer = 'accept';
      await write(socket, entryLine('next'));
      await until('next entry', () => h.next.entries.length === 1);
      expect(h.next.ids()).toEqual(['next']);
      expect(h.logs.some((l) => l.msg === 'the pipeline accepts Kong log entries again')).toBe(true);
      await close(socket);
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_tcp_log connections', () => {
  it('closes a connection idle for idle_timeout', async () => {
    const h = await startReceiver({ idle_timeout: '100ms' });
    try {
      const socket = await connect(h.port);
      await write(socket, entryLine('a'));
      const started = Date.now();
      await closedByPeer(socket);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);
      expect(h.next.ids()).toEqual(['a']);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('on shutdown retries a waiting batch at once, counts a cut line, closes connections and the port', async () => {
    const clock = new ManualClock();
    const h = await startReceiver({}, { clock });
    h.next.answer = 'refuse';
    const socket = await connect(h.port);
    const closed = closedByPeer(socket);
    await write(socket, `${entryLine('waiting')}{"request":{"id":"cut`);
    await until('attempt 1', () => h.next.attempts === 1);
    h.next.answer = 'accept';
    await h.receiver.shutdown(); // the clock never moved: the retry ran because of shutdown
    await closed;
    expect(h.next.ids()).toEqual(['waiting']);
    expect(h.rejected('truncated')).toBe(1);
    await expect(connect(h.port)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('on shutdown counts a batch the pipeline still refuses', async () => {
    const clock = new ManualClock();
    const h = await startReceiver({}, { clock });
    h.next.answer = 'refuse';
    const socket = await connect(h.port);
    await write(socket, entryLine('a') + entryLine('b'));
    await until('attempt 1', () => h.next.attempts === 1);
    await h.receiver.shutdown();
    await closedByPeer(socket);
    expect(h.next.attempts).toBe(2);
    expect(h.refused('back_pressure')).toBe(2);
  });
});
