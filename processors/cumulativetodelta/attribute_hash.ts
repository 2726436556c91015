import type { Attributes, AttributeValue } from '@opentelemetry/api';

/**
 * Point attributes are looked up by a 32-bit hash plus an equality check, not by a string key: building
 * and hashing a string per point was most of the processor's cost (each scrape brings fresh strings).
 * The hash adds up one mixed hash per attribute, so it does not depend on key order and needs no sort.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function hashString(s: string, seed: number): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** Spreads the bits so that summing attribute hashes does not cancel out. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function hashValue(v: AttributeValue | undefined, seed: number): number {
  switch (typeof v) {
    case 'string':
      return hashString(v, Math.imul(seed ^ 1, FNV_PRIME));
    case 'number':
      return (v | 0) === v ? Math.imul(seed ^ 2, FNV_PRIME) ^ v : hashString(String(v), Math.imul(seed ^ 3, FNV_PRIME));
    case 'boolean':
      return Math.imul(seed ^ (v ? 4 : 5), FNV_PRIME);
    case 'undefined':
      return Math.imul(seed ^ 6, FNV_PRIME);
    default:
      return hashString(JSON.stringify(v), Math.imul(seed ^ 7, FNV_PRIME));
  }
}

export function attributesHash(attrs: Attributes): number {
  let h = 0;
  for (const k in attrs) h = (h + finish(hashValue(attrs[k], hashString(k, FNV_OFFSET)))) | 0;
  return h;
}

function sameScalar(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b));
}

function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (sameScalar(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameScalar(a[i], b[i])) return false;
  return true;
}

/** Same keys with the same values, in any order. */
export function sameAttributes(a: Attributes, b: Attributes): boolean {
  let n = 0;
  for (const k in a) {
    if (!sameValue(a[k], b[k]) || (a[k] === undefined && !(k in b))) return false;
    n++;
  }
  for (const _k in b) n--;
  return n === 0;
}
