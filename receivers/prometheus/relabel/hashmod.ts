import { createHash } from 'node:crypto';

/**
 * Prometheus' `hashmod` (model/relabel/relabel.go at d15adb9a): the MD5 of the joined source values, its
 * last 8 bytes read as a big-endian unsigned 64-bit integer, modulo `modulus`. BigInt keeps all 64 bits.
 */
export function hashmod(value: string, modulus: number): string {
  const sum = createHash('md5').update(value, 'utf8').digest();
  return (sum.readBigUInt64BE(8) % BigInt(modulus)).toString();
}
