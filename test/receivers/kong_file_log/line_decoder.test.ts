import { describe, expect, it } from 'vitest';
import { decodeChunk } from '../../../receivers/kong_file_log/line_decoder.js';

const e = (id: string): string => `{"request":{"id":"${id}"}}`;

describe('decodeChunk', () => {
  it.each([
    { name: 'whole lines', text: `${e('a')}\n${e('b')}\n`, discarding: false, entries: 2, consumed: 'all', lines: 2, after: false },
    { name: 'an unfinished tail stays unread', text: `${e('a')}\n{"req`, discarding: false, entries: 1, consumed: e('a').length + 1, lines: 1, after: false },
    { name: 'only an unfinished line', text: '{"req', discarding: false, entries: 0, consumed: 0, lines: 0, after: false },
    { name: 'CRLF and blank lines', text: `${e('a')}\r\n\n\r\n${e('b')}\n`, discarding: false, entries: 2, consumed: 'all', lines: 4, after: false },
    { name: 'the end of a skipped line, then lines', text: `zzzz"}\n${e('a')}\n`, discarding: true, entries: 1, consumed: 'all', lines: 1, after: false },
    { name: 'still inside a skipped line', text: 'zzzzzzzz', discarding: true, entries: 0, consumed: 'all', lines: 0, after: true },
    { name: 'an over-long tail starts skipping', text: `${e('a')}\n${'y'.repeat(100)}`, discarding: false, entries: 1, consumed: 'all', lines: 2, after: true },
  ])('$name', ({ text, discarding, entries, consumed, lines, after }) => {
    const buf = Buffer.from(text);
    const d = decodeChunk(buf, 1000, 1, discarding, 64);
    expect(d.entries).toHaveLength(entries);
    expect(d.consumed).toBe(consumed === 'all' ? buf.length : consumed);
    expect(d.lines).toBe(lines);
    expect(d.discarding).toBe(after);
  });

  it('numbers rejected lines and gives their file offsets', () => {
    const text = `${e('a')}\nnot json\n${'y'.repeat(100)}\n[]\n`;
    const d = decodeChunk(Buffer.from(text), 5000, 10, false, 64);
    expect(d.rejected.map((r) => [r.line, r.index, r.reason])).toEqual([
      [11, 5000 + e('a').length + 1, 'malformed_json'],
      [12, 5000 + e('a').length + 10, 'too_long'],
      [13, 5000 + e('a').length + 111, 'not_an_object'],
    ]);
    expect(d.rejected[0].message).toBe('malformed JSON: unexpected token');
  });
});
