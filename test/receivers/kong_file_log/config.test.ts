import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
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
        storage: '/var/lib/kongtel',
      }),
    ).toEqual({
      include: ['/a/*.log', '/b/**/*.log'],
      exclude: ['/a/debug*.log'],
      start_at: 'beginning',
      poll_interval: 1000,
      max_line_size: 256 * 1024,
      storage: '/var/lib/kongtel',
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
    { name: 'empty storage', config: { include: ['/a'], storage: '' }, path: 'storage', says: 'directory path' },
    { name: 'unknown key', config: { include: ['/a'], path: '/a' }, path: '', says: 'Unrecognized key' },
  ])('refuses $name', ({ config, path, says }) => {
    const result = schema.safeParse(config);
    expect(result.success).toBe(false);
    const issue = (result.error?.issues ?? []).find((i) => i.path.join('.') === path);
    expect(issue, JSON.stringify(result.error?.issues)).toBeDefined();
    expect(issue?.message).toContain(says);
  });

  it('accepts the README example', () => {
    const blocks = readmeYaml('receivers/kong_file_log');
    expect(blocks).toHaveLength(1);
    const doc = parseYaml(blocks[0]) as { receivers: Record<string, unknown> };
    expect(schema.parse(doc.receivers.kong_file_log)).toMatchObject({ include: ['/var/log/kong/*.log'], start_at: 'end', storage: '/var/lib/kongtel' });
  });
});
