import fc from 'fast-check';

/**
 * Damage done to an encoded body: invalid UTF-8 spliced in (inside a string, where JSON stays valid and the
 * bytes must decode to U+FFFD, or anywhere), a cut at any byte, flipped bits.
 */
export type ByteMutation =
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid_utf8'; readonly at: number; readonly bytes: readonly number[]; readonly inString: boolean }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'flip'; readonly positions: readonly number[]; readonly bits: readonly number[] };

/** Byte sequences no UTF-8 decoder may accept: stray continuation, overlong, surrogate, past U+10FFFF, cut sequences. */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe, 0xff],
  [0x80],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
];

export function byteMutationArb(): fc.Arbitrary<ByteMutation> {
  const none = fc.constant<ByteMutation>({ kind: 'none' });
  const invalid = fc.record({
    kind: fc.constant('invalid_utf8' as const),
    at: fc.nat(),
    bytes: fc.constantFrom(...INVALID_UTF8),
    inString: fc.boolean(),
  });
  const truncate = fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() });
  const flip = fc.record({
    kind: fc.constant('flip' as const),
    positions: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
    bits: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 4, maxLength: 4 }),
  });
  return fc.oneof({ arbitrary: none, weight: 5 }, { arbitrary: invalid, weight: 2 }, { arbitrary: truncate, weight: 1 }, { arbitrary: flip, weight: 1 });
}

/** The mutated copy of `body` (the input is left alone). `at` positions wrap around the body's length. */
export function applyByteMutation(body: Buffer, m: ByteMutation): Buffer {
  if (m.kind === 'none' || body.length === 0) return body;
  if (m.kind === 'truncate') return body.subarray(0, m.at % body.length);
  if (m.kind === 'flip') {
    const out = Buffer.from(body);
    m.positions.forEach((p, i) => {
      out[p % out.length] ^= 1 << m.bits[i % m.bits.length];
    });
    return out;
  }
  let at = m.at % (body.length + 1);
  if (m.inString) {
    // Right after `:"` is inside a string value: the JSON stays valid and the entry must still be counted.
    const colonQuote = body.indexOf(':"', at);
    at = colonQuote < 0 ? at : colonQuote + 2;
  }
  return Buffer.concat([body.subarray(0, at), Buffer.from(m.bytes), body.subarray(at)]);
}
