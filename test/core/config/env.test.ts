import { describe, expect, it } from 'vitest';
import { substituteEnv, typedScalar } from '../../../core/config/env.js';

describe('${env:} substitution', () => {
  const env = { HOST: 'example.com', PORT: '4318', TOKEN: 's3cr3t', EMPTY: '', FLAG: 'true', INNER: 'in', BRACE: 'a}b', DOLLAR: '$${env:HOST}' };
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
    // The Collector's default scheme is env.
    ['${HOST}', 'example.com'],
    ['${MISSING:-x}', 'x'],
    // $$ escapes: the text of a reference, not a reference.
    ['$${env:HOST}', '${env:HOST}'],
    ['$$$${env:HOST}', '$${env:HOST}'],
    ['$$${env:HOST}', '$example.com'],
    ['a $ b', 'a $ b'],
    ['ends in $', 'ends in $'],
    // A default runs to the first "}", may be empty, may hold YAML indicators and references of its own.
    ['${env:MISSING:-}', ''],
    ['${env:MISSING:-a}b}', 'ab}'],
    ['${env:MISSING:-*&[{"\'`@%!|>#?:-,}', '*&[{"\'`@%!|>#?:-,'],
    ['${env:MISSING:-${env:INNER}}', 'in'],
    ['${env:MISSING:-${env:ALSO_MISSING:-deep}}', 'deep'],
    ['${env:HOST:-${env:INNER}}', 'example.com'],
    ['${env:MISSING:-$${env:INNER}}', '${env:INNER}'],
    ['${env:MISSING:-8080}', 8080],
    // A value is text: never re-read for references, escapes or braces.
    ['${env:BRACE}', 'a}b'],
    ['${env:DOLLAR}', '$${env:HOST}'],
  ])('%s → %j', (input, expected) => {
    const r = substituteEnv({ k: input }, env);
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ k: expected });
  });

  it.each([
    ['${env:HOST', '"${env:HOST" is not closed with "}" (write $${ for a literal "${")'],
    ['x ${', '"${" is not closed with "}" (write $${ for a literal "${")'],
    ['${env:MISSING:-abc', 'a default (after ":-") is not closed with "}"'],
    ['${env:}', '"${env:}": "" is not a variable name (letters, digits and _, not starting with a digit; write $${ for a literal "${")'],
    ['${1}', '"${1}": "1" is not a variable name (letters, digits and _, not starting with a digit; write $${ for a literal "${")'],
    ['${env:A-B}', '"${env:A-B}": "A-B" is not a variable name (letters, digits and _, not starting with a digit; write $${ for a literal "${")'],
    ['${env:hello.world}', '"${env:hello.world}": "hello.world" is not a variable name (letters, digits and _, not starting with a digit; write $${ for a literal "${")'],
    ['${file:/etc/passwd}', '"${file:/etc/passwd}": only ${env:NAME} is substituted (write $${ for a literal "${")'],
    ['${env:${env:NAME}}', '"${env:${…": a variable name cannot itself be a reference'],
    ['${env:MISSING:-${1}}', '"${1}": "1" is not a variable name (letters, digits and _, not starting with a digit; write $${ for a literal "${")'],
  ])('%s is a config error at its key path', (input, message) => {
    const r = substituteEnv({ a: { k: input } }, env);
    expect(r.issues).toEqual([{ path: 'a.k', message }]);
    // The text stays as written, so nothing downstream sees a half-substituted value.
    expect(r.value).toEqual({ a: { k: input } });
  });

  it('a reference in a key is an error: keys are never substituted', () => {
    const r = substituteEnv({ headers: { '${env:NAME}': 'v', '$${env:LITERAL}': 'w' } }, env);
    expect(r.issues).toEqual([{ path: 'headers.${env:NAME}', message: 'a key is never substituted: ${…} works in values only (write $${ for a literal "${")' }]);
  });

  it('walks lists and maps and records where values came from', () => {
    const r = substituteEnv({ a: [{ b: '${env:TOKEN}' }, 'x'], c: { d: '${env:NOPE}' }, e: '${env:HOST}:${env:PORT}' }, env);
    expect(r.value).toEqual({ a: [{ b: 's3cr3t' }, 'x'], c: { d: '' }, e: 'example.com:4318' });
    expect([...r.fromEnv]).toEqual(['a[0].b', 'c.d', 'e']);
    expect(Object.fromEntries(r.variables)).toEqual({ 'a[0].b': ['TOKEN'], 'c.d': ['NOPE'], e: ['HOST', 'PORT'] });
    expect(r.unset).toEqual([{ path: 'c.d', variable: 'NOPE' }]);
    expect(r.secrets).toEqual([
      { variable: 'TOKEN', text: 's3cr3t' },
      { variable: 'HOST', text: 'example.com' },
      { variable: 'PORT', text: '4318' },
    ]);
  });

  it('an unused default is not evaluated: no warning for the variables inside it', () => {
    expect(substituteEnv({ k: '${env:HOST:-${env:NOPE}}' }, env).unset).toEqual([]);
  });

  it('a key named __proto__ stays a key', () => {
    const r = substituteEnv(JSON.parse('{"__proto__": {"polluted": "yes"}}'), env);
    expect(Object.keys(r.value as object)).toEqual(['__proto__']);
    expect((r.value as { polluted?: string }).polluted).toBeUndefined();
  });
});

describe('values are text: every YAML indicator and YAML-looking shape passes through unchanged', () => {
  it.each([
    '@at', '*alias', '&anchor x', '!tag x', '!!int 12', '!!binary aGk=', '"double', "'single'", '"quoted"', '[1, 2', '[1, 2]', '{a: 1}', '{', '}', ']',
    '%YAML 1.2', '`backtick', '|\n  block', '> folded', '# comment', '- item', '-', '? key', ': value', 'a: b', 'a:b', ',', '~', 'null', 'Null', '',
    'yes', 'no', 'on', 'off', 'y', '1 # not a number', '1_000', '0b101', '0123abc', '12:30', '2001-12-14', ' 12', '12 ', 'a\nb: c', 'tab\tvalue', '\u0000nul',
    'üñíçødé ✓', '\u{1F511}key', 'line\r\nbreak', '---', '...', '<<: *x',
  ])('%j', (value) => {
    const r = substituteEnv({ k: '${env:V}' }, { V: value });
    expect(r.issues).toEqual([]);
    expect(r.value).toEqual({ k: value });
    expect(r.typedFromEnv.size).toBe(0);
  });
});

describe("typed reading of a whole-field reference (YAML 1.2 core schema, as the Collector's confmap)", () => {
  it.each([
    ['123', 123],
    ['-7', -7],
    ['+7', 7],
    ['0123', 123],
    ['0o17', 15],
    ['0x1F', 31],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['-1.5E-2', -0.015],
    ['.inf', Infinity],
    ['-.Inf', -Infinity],
    ['true', true],
    ['FALSE', false],
    ['True', true],
    ['tRue', undefined],
    ['yes', undefined],
    ['0x', undefined],
    ['0b11', undefined],
    ['1_000', undefined],
    ['12 ', undefined],
    ['', undefined],
  ])('%j → %j', (text, expected) => expect(typedScalar(text)).toBe(expected));

  it('.nan is NaN', () => expect(typedScalar('.nan')).toBeNaN());

  it('only a field that is exactly one reference is typed; the text is kept for string fields', () => {
    const r = substituteEnv({ a: '${env:N}', b: 'x${env:N}', c: '${env:N}${env:N}' }, { N: '42' });
    expect(r.value).toEqual({ a: 42, b: 'x42', c: '4242' });
    expect(Object.fromEntries(r.typedFromEnv)).toEqual({ a: '42' });
  });
});
