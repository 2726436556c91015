import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../core/index.js';
import { seededRandom } from '../../../bench/kong_entries.js';
import { close, connect, entryLine, startReceiver, write } from './harness.js';
import { until } from '../../support/wait.js';

const plain = readFileSync(new URL('../../testdata/kong/kong-3.8-plain.json', import.meta.url), 'utf8');

/** Writes `data` in pieces of `min`..`max` bytes, yielding to the event loop after each so they go out apart. */
async function writeInPieces(socket: import('node:net').Socket, data: Buffer, min: number, max: number, rand: () => number): Promise<void> {
  for (let at = 0; at < data.length; ) {
    const n = min + Math.floor(rand() * (max - min + 1));
    await write(socket, data.subarray(at, at + n));
    at += n;
  }
}

describe('kong_tcp_log framing', () => {
  it('delivers every entry of 4 concurrent connections exactly once and in order, however the bytes are cut', async () => {
    const h = await startReceiver();
    try {
      const rand = seededRandom(11);
      const perConnection = 150;
      const payload = (c: number): Buffer =>
        Buffer.from(Array.from({ length: perConnection }, (_, i) => entryLine(`c${c}-${i}`, (i * 37) % 300)).join(''));
      const sockets = await Promise.all([0, 1, 2, 3].map(() => connect(h.port)));
      for (const s of sockets) s.setNoDelay(true);
      await Promise.all([
        write(sockets[0], payload(0)), // all at once
        writeInPieces(sockets[1], payload(1), 1, 7, rand), // a few bytes at a time
        writeInPieces(sockets[2], payload(2), 1, 700, rand), // random cuts, sometimes mid-character
        writeInPieces(sockets[3], payload(3), 4000, 9000, rand), // several lines per write, cut anywhere
      ]);
      await Promise.all(sockets.map(close));
      await until('600 entries', () => h.next.entries.length >= 600);

      const ids = h.next.ids();
      expect(ids).toHaveLength(600);
      expect(new Set(ids).size).toBe(600);
      for (let c = 0; c < 4; c++) {
        expect(ids.filter((id) => id.startsWith(`c${c}-`))).toEqual(Array.from({ length: perConnection }, (_, i) => `c${c}-${i}`));
      }
      expect(h.accepted()).toBe(600);
      expect(h.rejected('truncated')).toBe(0);
      expect(h.next.entries[0]).toEqual(JSON.parse(entryLine('c0-0', 0)));
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('hands on a real Kong entry as parsed, multi-byte characters intact when cut mid-character', async () => {
    const h = await startReceiver();
    try {
      const entry = { ...(JSON.parse(plain) as Record<string, unknown>), note: 'größe → 東京 🚀' };
      const bytes = Buffer.from(`${JSON.stringify(entry)}\n`);
      const socket = await connect(h.port);
      socket.setNoDelay(true);
      const cut = bytes.indexOf(Buffer.from('🚀')) + 2; // inside the 4-byte emoji
      await write(socket, bytes.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 20));
      await write(socket, bytes.subarray(cut));
      await close(socket);
      await until('1 entry', () => h.next.entries.length === 1);
      expect(h.next.entries[0]).toEqual(entry);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('delivers the complete lines of a chunk as one batch', async () => {
    const h = await startReceiver();
    try {
      const socket = await connect(h.port);
      await write(socket, entryLine('a') + entryLine('b') + entryLine('c'));
      await until('3 entries', () => h.next.entries.length === 3);
      expect(h.next.batches).toHaveLength(1);
      expect(h.next.batches[0].signal).toBe('logs');
      await close(socket);
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_tcp_log bad lines', () => {
  it('counts each bad line by reason, logs one warning with line numbers and no contents, keeps the good ones', async () => {
    const h = await startReceiver({ max_line_size: 512 });
    try {
      const secret = 'sk-live-do-not-log-me';
      const lines = [
        entryLine('good-1'), // 1
        `{"request":{"api_key":"${secret}"\n`, // 2 malformed
        '42\n', // 3 not an object
        `{"api_key":"${secret}"}\n`, // 4 not a Kong entry
        `["${secret}"]\n`, // 5 an array: tcp-log never sends one
        `{"request":{"pad":"${'y'.repeat(2000)}"}}\n`, // 6 over max_line_size
        '\n', // 7 blank: skipped silently
        entryLine('good-2'), // 8
      ];
      const socket = await connect(h.port);
      await write(socket, lines.join(''));
      await close(socket);
      await until('2 entries', () => h.next.entries.length === 2);
      await until('the warning', () => h.logs.some((l) => l.level === 40));

      expect(h.next.ids()).toEqual(['good-1', 'good-2']);
      expect(h.rejected('malformed_json')).toBe(1);
      expect(h.rejected('not_an_object')).toBe(2);
      expect(h.rejected('not_a_kong_entry')).toBe(1);
      expect(h.rejected('too_long')).toBe(1);
      expect(h.rejected('truncated')).toBe(0);
      const warnings = h.logs.filter((l) => l.level === 40);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ rejected: 5, kept: 2, lines: [2, 3, 4, 5, 6] });
      const logged = JSON.stringify(h.logs);
      expect(logged).not.toContain(secret);
      expect(logged).not.toContain('api_key');
      expect(logged).not.toContain('yyyy');
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('skips an over-long line that arrives in many pieces, and reads on after it', async () => {
    const h = await startReceiver({ max_line_size: 1000 });
    try {
      const socket = await connect(h.port);
      socket.setNoDelay(true);
      await write(socket, entryLine('before'));
      await write(socket, '{"request":{"pad":"');
      for (let i = 0; i < 20; i++) await write(socket, 'z'.repeat(500));
      await write(socket, `"}}\n${entryLine('after')}`);
      await close(socket);
      await until('2 entries', () => h.next.entries.length === 2);
      expect(h.next.ids()).toEqual(['before', 'after']);
      expect(h.rejected('too_long')).toBe(1);
      expect(h.rejected('malformed_json')).toBe(0);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('counts a line cut off by the connection closing as truncated', async () => {
    const h = await startReceiver();
    try {
      const socket = await connect(h.port);
      await write(socket, `${entryLine('whole')}{"request":{"id":"cut`);
      await close(socket);
      await until('truncated count', () => h.rejected('truncated') === 1);
      expect(h.next.ids()).toEqual(['whole']);
      expect(h.logs.find((l) => l.level === 40)).toMatchObject({ rejected: 1, kept: 0, lines: [2] });
    } finally {
      await h.receiver.shutdown();
    }
  });
});

describe('kong_tcp_log downstream errors', () => {
  it('drops a batch the pipeline refuses for good, counts it, and reads on', async () => {
    const h = await startReceiver();
    try {
      h.next.answer = new PermanentError('refused by the test pipeline');
      const socket = await connect(h.port);
      await write(socket, entryLine('a') + entryLine('b'));
      await until('refused count', () => h.refused('permanent') === 2);
      h.next.answer = 'accept';
      await write(socket, entryLine('c'));
      await close(socket);
      await until('1 entry', () => h.next.entries.length === 1);
      expect(h.next.ids()).toEqual(['c']);
      expect(h.accepted()).toBe(1);
      expect(h.logs.filter((l) => l.level === 50)).toHaveLength(1);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('counts any other error as refused with reason error', async () => {
    const h = await startReceiver();
    try {
      h.next.answer = new TypeError('bug downstream');
      const socket = await connect(h.port);
      await write(socket, entryLine('a'));
      await until('refused count', () => h.refused('error') === 1);
      await close(socket);
    } finally {
      await h.receiver.shutdown();
    }
  });
});
