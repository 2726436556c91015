import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig } from '../../../core/index.js';
import { MAX_CONFIG_BYTES } from '../../../core/config/yaml.js';
import { FAKE_FACTORIES } from '../../support/fake_factories.js';
import { tempDir } from '../../support/temp.js';
import { configIssues } from '../../support/config_errors.js';

/**
 * Issue 9 item 8 and beyond: a config file that is not what it should be — an alias bomb, an alias
 * without an anchor, huge, a directory, not UTF-8 — is a ConfigError with the line, never a throw from
 * a library (which the CLI would print as a stack trace).
 */

const VALID_TAIL = 'processors: { kong_metrics: }\nexporters: { prometheus: }\nservice: { pipelines: { metrics: { receivers: [kong_http_log], processors: [kong_metrics], exporters: [prometheus] } } }\n';

const parse = (text: string) => () => parseConfig(text, 'x.yaml', FAKE_FACTORIES, {});

function file(name: string, content: string | Buffer): string {
  const f = join(tempDir('hostile'), name);
  writeFileSync(f, content);
  return f;
}

describe('hostile YAML documents', () => {
  const laughs = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
    'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  ].join('\n');

  it.each([
    [
      'a billion laughs',
      `receivers:\n  kong_http_log:\n    path: /\nx:\n${laughs.replace(/^/gm, '  ')}\n`,
      ['YAML aliases at line 8 expand to more than 100 copies (the shape of a "billion laughs" attack); write the values out or use fewer nested aliases'],
    ],
    ['an alias without its anchor', 'receivers:\n  kong_http_log: *nowhere\n', ['YAML alias *nowhere at line 2 names no anchor before it; define &nowhere first']],
    ['two documents', 'receivers: {}\n---\nreceivers: {}\n', ['YAML syntax error at line 2, column 1: a config is one YAML document; remove the "---" that starts a second one']],
    ['nesting 5 000 deep', `receivers: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, [expect.stringMatching(/^YAML syntax error at line 1, column \d+: the document is nested too deeply$/)]],
    ['a flow map as a key', `receivers:\n  ? [a, b]\n  : x\n${VALID_TAIL}`, [expect.stringMatching(/^receivers\.\[ a, b \]: invalid component id/), expect.stringMatching(/kong_http_log" is not defined/)]],
    ['a __proto__ key', `receivers:\n  kong_http_log:\n    __proto__: { path: /polluted }\n${VALID_TAIL}`, ['receivers.kong_http_log.__proto__: unknown key (expected one of: endpoint, path)']],
  ])('%s', (_name, text, expected) => {
    expect(configIssues(parse(text))).toEqual(expected);
  });

  it('aliases used a few times are fine', () => {
    const c = parseConfig(`receivers:\n  kong_http_log: &r { path: /k }\n  kong_http_log/b: *r\n${VALID_TAIL}`, 'x.yaml', FAKE_FACTORIES, {});
    expect(c.components.receivers.get('kong_http_log/b')?.config).toEqual({ endpoint: '0.0.0.0:8080', path: '/k' });
  });

  it('an unknown tag is a warning with its line, not a line printed by the YAML library', () => {
    const c = parseConfig(`receivers:\n  kong_http_log: { path: !secret /k }\n${VALID_TAIL}`, 'x.yaml', FAKE_FACTORIES, {});
    expect(c.warnings[0]).toBe('line 2, column 26: Unresolved tag: !secret');
    expect(c.components.receivers.get('kong_http_log')?.config).toEqual({ endpoint: '0.0.0.0:8080', path: '/k' });
  });

  it('YAML 1.1 tags are not resolved: !!binary stays text, refused where text is not expected', () => {
    expect(configIssues(parse(`receivers:\n  kong_http_log: !!binary aGk=\n${VALID_TAIL}`))).toEqual([
      'receivers.kong_http_log: expected object, got string "aGk="',
    ]);
  });
});

describe('config files that are not config files', () => {
  it('a directory', () => {
    const dir = tempDir('hostile-dir');
    mkdirSync(join(dir, 'pipelines.yaml'));
    expect(configIssues(() => loadConfigFile(join(dir, 'pipelines.yaml'), FAKE_FACTORIES, {}))).toEqual([
      'is a directory; pass the config file itself, e.g. --config /etc/kongtel/pipelines.yaml',
    ]);
  });

  it('a file over the size limit is refused after reading no more than the limit', () => {
    const f = file('huge.yaml', Buffer.alloc(MAX_CONFIG_BYTES + 1, '#'));
    expect(configIssues(() => loadConfigFile(f, FAKE_FACTORIES, {}))).toEqual(['the file is larger than 16 MiB; a config is a few kilobytes (is --config the right file?)']);
  });

  it('an endless device is refused the same way', () => {
    expect(configIssues(() => loadConfigFile('/dev/zero', FAKE_FACTORIES, {}))).toEqual(['the file is larger than 16 MiB; a config is a few kilobytes (is --config the right file?)']);
  });

  it.each([
    ['Latin-1', Buffer.concat([Buffer.from('receivers:\n  kong_http_log:\n    path: /caf'), Buffer.from([0xe9]), Buffer.from('\n')]), 3],
    ['UTF-16', Buffer.from('\ufeffreceivers: {}\n', 'utf16le'), 1],
    ['binary', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe]), 1],
  ])('not UTF-8 (%s)', (_name, bytes, line) => {
    expect(configIssues(() => loadConfigFile(file('bad.yaml', bytes), FAKE_FACTORIES, {}))).toEqual([`not UTF-8 text (first at line ${line}); save the file as UTF-8`]);
  });

  it('a UTF-8 byte-order mark is fine', () => {
    const f = file('bom.yaml', `\ufeffreceivers: { kong_http_log: }\n${VALID_TAIL}`);
    expect(loadConfigFile(f, FAKE_FACTORIES, {}).pipelines.map((p) => p.id)).toEqual(['metrics']);
  });

  it('an empty file', () => {
    expect(configIssues(() => loadConfigFile(file('empty.yaml', ''), FAKE_FACTORIES, {}))).toEqual([
      'the config must be a YAML map with receivers, processors, exporters, extensions and service',
    ]);
  });
});
