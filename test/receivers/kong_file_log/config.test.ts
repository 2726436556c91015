import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError, formatIssue, parseConfig } from '../../../core/index.js';
import { kongFileLogReceiverFactory } from '../../../receivers/kong_file_log/index.js';
import { readmeYaml } from '../../support/readme.js';

const schema = kongFileLogReceiverFactory.configSchema;

describe('kong_file_log config', () => {
  it('fills every default around the required include', () => {
    expect(schema.parse({ include: ['/var/log/kong/*.log'] })).toEqual({
      include: ['/var/log/kong/*.log'],
      exclude: [],
      start_at: 'end',
      poll_interval: 200,
      max_line_size: 1024 * 1024,
    });
    expect(kongFileLogReceiverFactory).toMatchObject({ kind: 'receiver', type: 'kong_file_log', signal: 'logs' });
  });

  it('reads every key', () => {
    expect(
      schema.parse({
        include: ['/a/*.log', '/b/**/*.log'],
        exclude: ['/a/debug*.log'],
        start_at: 'beginning',
        poll_interval: '1s',
        max_line_size: '256KiB',
        storage: 'file_storage',
      }),
    ).toEqual({
      include: ['/a/*.log', '/b/**/*.log'],
      exclude: ['/a/debug*.log'],
      start_at: 'beginning',
      poll_interval: 1000,
      max_line_size: 256 * 1024,
      storage: 'file_storage',
    });
  });

  it.each([
    { name: 'no include', config: {}, path: 'include', says: '' },
    { name: 'empty include', config: { include: [] }, path: 'include', says: 'list at least one path or glob' },
    { name: 'empty glob', config: { include: [''] }, path: 'include.0', says: 'must not be empty' },
    { name: 'include as a string', config: { include: '/var/log/kong/*.log' }, path: 'include', says: '' },
    { name: 'unknown start_at', config: { include: ['/a'], start_at: 'middle' }, path: 'start_at', says: '' },
    { name: 'zero poll_interval', config: { include: ['/a'], poll_interval: 0 }, path: 'poll_interval', says: 'more than 0' },
    { name: 'bad size', config: { include: ['/a'], max_line_size: 'huge' }, path: 'max_line_size', says: 'invalid size' },
    { name: 'empty storage', config: { include: ['/a'], storage: '' }, path: 'storage', says: 'names a storage extension (e.g. file_storage), not a directory' },
    { name: 'a directory as storage', config: { include: ['/a'], storage: '/var/lib/kongtel' }, path: 'storage', says: 'directory: /var/lib/kongtel' },
    { name: 'unknown key', config: { include: ['/a'], path: '/a' }, path: '', says: 'Unrecognized key' },
  ])('refuses $name', ({ config, path, says }) => {
    const result = schema.safeParse(config);
    expect(result.success).toBe(false);
    const issue = (result.error?.issues ?? []).find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(result.error?.issues)).toBeDefined();
    expect(issue?.message).toContain(says);
  });

  it.each([
    // doublestar's ValidatePattern refuses these; minimatch would quietly read them as plain characters.
    { name: 'an unclosed class', glob: '/var/log/kong/[ab.log', says: '`[` at character 15 is never closed' },
    { name: 'an empty class', glob: '/var/log/kong/[].log', says: '`[` at character 15 opens an empty class' },
    { name: 'an empty negated class', glob: '/var/log/kong/[!].log', says: '`[` at character 15 opens an empty class' },
    { name: 'an unclosed brace', glob: '/var/log/kong/{access,admin.log', says: '`{` at character 15 is never closed' },
    { name: 'an unclosed nested brace', glob: '/var/log/{kong,nginx/{a,b}/*.log', says: '`{` at character 10 is never closed' },
    { name: 'a brace that closes nothing', glob: '/var/log/kong/access}.log', says: '`}` at character 21 closes no `{`' },
    { name: 'a trailing backslash', glob: '/var/log/kong/access.log\\', says: 'ends in a lone `\\`' },
    // minimatch (bash) reads `{a}` as plain text and `{1..3}` as a range; doublestar as one alternative.
    { name: 'a brace with one alternative', glob: '/var/log/kong/{access}.log', says: '`{` at character 15 holds one alternative' },
    { name: 'a range', glob: '/var/log/kong/node-{1..3}.log', says: 'write {1,2,3}' },
    // Brace expansion does not see classes; doublestar does: escaped, they mean the same to both.
    { name: 'a brace in a class', glob: '/var/log/kong/[{a,b}].log', says: '`{` at character 16 is inside a `[class]`: write `\\{`' },
    { name: 'a comma in a class in braces', glob: '/var/log/kong/{[,a],b}.log', says: '`,` at character 17 is inside a `[class]`: write `\\,`' },
    { name: 'too many alternatives', glob: `/var/log/${'{a,b}'.repeat(11)}.log`, says: 'more than 1024 alternatives' },
  ])('refuses $name in include and exclude', ({ glob, says }) => {
    for (const key of ['include', 'exclude'] as const) {
      const result = schema.safeParse({ include: ['/var/log/kong/*.log'], [key]: ['/var/log/kong/ok-{a,b}.log', glob] });
      expect(result.success, key).toBe(false);
      const issue = (result.error?.issues ?? []).find((i) => i.path.join('.') === `${key}.1`);
      expect(issue?.message, JSON.stringify(result.error?.issues)).toContain(says);
    }
  });

  it('accepts what doublestar accepts: escapes, classes holding `{` or `,`, empty alternatives', () => {
    const globs = ['/var/log/kong/\\{a\\}.log', '/var/log/kong/[\\{,]*.log', '/var/log/kong/{[\\,a],b}.log', '/var/log/kong/some{thing,}.log', '/var/log/kong/a,b.log', '/var/log/kong/[]a]'];
    expect(schema.safeParse({ include: globs.slice(0, 5) }).success).toBe(true);
    // `[]a]` is a class of `]` and `a` in bash, but an empty class and a stray `]` to doublestar: refused.
    expect(schema.safeParse({ include: globs.slice(5) }).success).toBe(false);
  });

  it('names a bad glob by its key path in the config file, and says the fix', () => {
    const yaml = 'receivers:\n  kong_file_log:\n    include: [/var/log/kong/*.log, "/var/log/kong/{access,admin.log"]\n';
    let messages: string[] = [];
    try {
      parseConfig(yaml, 'kongtel.yaml', [kongFileLogReceiverFactory], {});
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      messages = err.issues.map(formatIssue);
    }
    expect(messages).toContain(
      'receivers.kong_file_log.include[1]: `{` at character 15 is never closed: close it with `}`, or write `\\{` for a literal `{`',
    );
  });

  it('accepts the README example', () => {
    const blocks = readmeYaml('receivers/kong_file_log');
    expect(blocks).toHaveLength(1);
    const doc = parseYaml(blocks[0]) as { receivers: Record<string, unknown> };
    expect(schema.parse(doc.receivers.kong_file_log)).toMatchObject({
      include: ['/var/log/kong/*.log'],
      exclude: ['/var/log/kong/{error,admin_access}.log'],
      start_at: 'end',
      storage: 'file_storage',
    });
  });
});
