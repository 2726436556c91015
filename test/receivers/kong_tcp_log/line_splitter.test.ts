import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineSink } from '../../../receivers/kong_tcp_log/line_splitter.js';

/** Collects what the splitter hands out: lines as text, over-long ones as a marker. */
class Collected implements LineSink {
  readonly out: string[] = [];
  line(buf: Buffer, start: number, end: number): void {
    this.out.push(buf.toString('utf8', start, end));
  }
  tooLong(): void {
    this.out.push('<too long>');
  }
}

function split(chunks: readonly Buffer[], max: number): { out: string[]; partial: boolean } {
  const sink = new Collected();
  const splitter = new LineSplitter(max, sink);
  for (const c of chunks) splitter.push(c);
  return { out: sink.out, partial: splitter.partial };
}

/** What framing must give, computed the obvious way from the whole input. */
function expected(text: string, max: number): { out: string[]; partial: boolean } {
  const parts = text.split('\n');
  const tail = parts.pop() as string;
  const out = parts.map((p) => (Buffer.byteLength(p) > max ? '<too long>' : p));
  if (Buffer.byteLength(tail) > max) out.push('<too long>');
  return { out, partial: tail !== '' };
}

function cutAt(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(at, p));
    at = p;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

describe('LineSplitter', () => {
  it.each([
    { name: 'lines in one chunk', chunks: ['a\nbb\n'], max: 10, out: ['a', 'bb'], partial: false },
    { name: 'a line across chunks', chunks: ['ab', 'c', 'd\ne\n'], max: 10, out: ['abcd', 'e'], partial: false },
    { name: 'an unfinished tail', chunks: ['a\nbc'], max: 10, out: ['a'], partial: true },
    { name: 'a line of exactly max bytes', chunks: ['abcd\n'], max: 4, out: ['abcd'], partial: false },
    { name: 'one byte over max in one chunk', chunks: ['abcde\nf\n'], max: 4, out: ['<too long>', 'f'], partial: false },
    { name: 'over max across chunks, reported once', chunks: ['abc', 'def', 'ghi', 'j\nk\n'], max: 4, out: ['<too long>', 'k'], partial: false },
    { name: 'an over-long tail', chunks: ['a\nbcdefg'], max: 4, out: ['a', '<too long>'], partial: true },
    { name: 'empty lines', chunks: ['\n\n'], max: 4, out: ['', ''], partial: false },
  ])('$name', ({ chunks, max, out, partial }) => {
    expect(split(chunks.map((c) => Buffer.from(c)), max)).toEqual({ out, partial });
  });

  it('gives the same lines wherever the bytes are cut (multi-byte characters included)', () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'ä', '東', '🚀', '"', '{', ' '), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 12 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 30 }), (lines, endsWithNewline, cuts, max) => {
        const text = lines.join('\n') + (endsWithNewline ? '\n' : '');
        const bytes = Buffer.from(text);
        expect(split(cutAt(bytes, cuts), max)).toEqual(expected(text, max));
      }),
      { numRuns: 2000 },
    );
  });
});
