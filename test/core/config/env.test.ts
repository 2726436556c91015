import { describe, expect, it } from 'vitest';
import { substituteEnv } from '../../../core/config/env.js';

describe('${env:} substitution', () => {
  const env = { HOST: 'example.com', PORT: '4318', TOKEN: 's3cr3t', EMPTY: '', FLAG: 'true' };
  it.each([
    ['${env:HOST}', 'example.com'],
    ['https://${env:HOST}:${env:PORT}/otlp', 'https://example.com:4318/otlp'],
    ['${env:PORT}', 4318],
    ['${env:FLAG}', true],
    ['${env:MISSING:-fallback}', 'fallback'],
    ['${env:EMPTY:-fallback}', 'fallback'],
    ['${env:MISSING}', ''],
    ['Api-Token ${env:TOKEN}', 'Api-Token s3cr3t'],
    ['cost in $$', 'cost in $'],
    ['no reference', 'no reference'],
  ])('%s → %j', (input, expected) => {
    expect(substituteEnv({ k: input }, env).value).toEqual({ k: expected });
  });

  it('walks lists and maps and records where values came from', () => {
    const r = substituteEnv({ a: [{ b: '${env:TOKEN}' }, 'x'], c: { d: '${env:NOPE}' } }, env);
    expect(r.value).toEqual({ a: [{ b: 's3cr3t' }, 'x'], c: { d: '' } });
    expect([...r.fromEnv]).toEqual(['a[0].b', 'c.d']);
    expect(r.unset).toEqual([{ path: 'c.d', variable: 'NOPE' }]);
  });
});
