import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentError } from '../../../core/index.js';
import { tempDir } from '../../support/temp.js';
import { sleep, until } from '../../support/wait.js';
import { append, ids, line, startReceiver, type Harness } from './harness.js';

let dir: string;
let h: Harness | undefined;

beforeEach(() => {
  dir = tempDir('file-log');
});
afterEach(async () => {
  await h?.receiver.shutdown();
  h = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('kong_file_log start_at', () => {
  it('beginning: reads what is there, then what is appended, in order', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('old', 0, 50));
    h = await startReceiver({ include: [join(dir, '*.log')], start_at: 'beginning' });
    await until('50 entries', () => h!.accepted() === 50);
    append(log, ids('new', 0, 30));
    await until('80 entries', () => h!.accepted() === 80);
    expect(h.next.ids()).toEqual([...ids('old', 0, 50), ...ids('new', 0, 30)]);
  });

  it('end (the default): skips what is there and reads only what is appended', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('old', 0, 50));
    h = await startReceiver({ include: [join(dir, '*.log')] });
    append(log, ids('new', 0, 20));
    await until('20 entries', () => h!.accepted() >= 20);
    await sleep(60);
    expect(h.next.ids()).toEqual(ids('new', 0, 20));
  });

  it('end: a file created after the start is read from its beginning', async () => {
    h = await startReceiver({ include: [join(dir, '*.log')] });
    await sleep(40);
    append(join(dir, 'late.log'), ids('late', 0, 5));
    await until('5 entries', () => h!.accepted() === 5);
    expect(h.next.ids()).toEqual(ids('late', 0, 5));
  });
});

describe('kong_file_log lines', () => {
  it('holds a partial last line until it is completed', async () => {
    const log = join(dir, 'kong.log');
    writeFileSync(log, '');
    h = await startReceiver({ include: [log] });
    appendFileSync(log, line('first') + '{"request":{"id":"sec');
    await until('1 entry', () => h!.accepted() === 1);
    await sleep(80);
    expect(h.accepted()).toBe(1);
    expect(h.rejected('malformed_json') + h.rejected('truncated')).toBe(0);
    appendFileSync(log, 'ond"},"latencies":{"request":1}}\n');
    await until('2 entries', () => h!.accepted() === 2);
    expect(h.next.ids()).toEqual(['first', 'second']);
  });

  it('counts bad lines by reason and logs file, offsets and line numbers, never contents', async () => {
    const log = join(dir, 'kong.log');
    const secret = 'sk-live-do-not-log-me';
    const content = [
      line('ok-1'), // line 1
      `{"api_key":"${secret}"\n`, // 2 malformed
      '[1]\n', // 3 not an object
      `{"api_key":"${secret}"}\n`, // 4 not a Kong entry
      `{"request":{"pad":"${'y'.repeat(3000)}"}}\n`, // 5 over max_line_size
      line('ok-2'), // 6
    ];
    writeFileSync(log, content.join(''));
    h = await startReceiver({ include: [log], start_at: 'beginning', max_line_size: '2KiB' });
    await until('2 entries and a warning', () => h!.accepted() === 2 && h!.logs.some((l) => l.level === 40));
    expect(h.next.ids()).toEqual(['ok-1', 'ok-2']);
    expect([h.rejected('malformed_json'), h.rejected('not_an_object'), h.rejected('not_a_kong_entry'), h.rejected('too_long')]).toEqual([1, 1, 1, 1]);
    const offsetOf = (i: number): number => Buffer.byteLength(content.slice(0, i).join(''));
    const warning = h.logs.find((l) => l.level === 40);
    expect(warning).toMatchObject({ file: log, rejected: 4, kept: 2, lines: [2, 3, 4, 5], offsets: [offsetOf(1), offsetOf(2), offsetOf(3), offsetOf(4)] });
    expect(JSON.stringify(h.logs)).not.toContain(secret);
    expect(JSON.stringify(h.logs)).not.toContain('api_key');
  });

  it('skips a line longer than max_line_size written over many polls, and reads on after it', async () => {
    const log = join(dir, 'kong.log');
    writeFileSync(log, '');
    h = await startReceiver({ include: [log], max_line_size: '1KiB' });
    appendFileSync(log, line('before') + '{"request":{"pad":"');
    for (let i = 0; i < 5; i++) {
      appendFileSync(log, 'z'.repeat(40_000));
      await sleep(25);
    }
    appendFileSync(log, `"}}\n${line('after')}`);
    await until('2 entries', () => h!.accepted() === 2);
    expect(h.next.ids()).toEqual(['before', 'after']);
    expect(h.rejected('too_long')).toBe(1);
    expect(h.rejected('malformed_json')).toBe(0);
  });
});

describe('kong_file_log rotation', () => {
  it('by rename: finishes the renamed file, then reads the new one from its start; no loss, no duplicates', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 100));
    const storage = join(dir, 'storage');
    h = await startReceiver({ include: [join(dir, '*.log')], start_at: 'beginning', storage: 'file_storage' }, undefined, { file_storage: storage });
    await until('100 entries', () => h!.accepted() === 100);
    // Lines written just before the rename are still unread when the new file appears.
    append(log, ids('a', 100, 110));
    renameSync(log, join(dir, 'kong.log.1'));
    append(log, ids('b', 0, 50));
    await until('160 entries', () => h!.accepted() >= 160);
    await sleep(80);
    expect(h.next.ids()).toEqual([...ids('a', 0, 110), ...ids('b', 0, 50)]);
    // The rotated file is let go once it is done: it leaves the checkpoint.
    const tracked = (): string[] =>
      (JSON.parse(readFileSync(join(storage, 'kong_file_log.json'), 'utf8')) as { files: { path: string }[] }).files.map((f) => f.path);
    await until('the rotated file let go', () => tracked().length === 1);
    expect(tracked()).toEqual([log]);
    append(join(dir, 'kong.log.1'), ['too-late']);
    append(log, ids('b', 50, 55));
    await until('165 entries', () => h!.accepted() >= 165);
    await sleep(60);
    expect(h.accepted()).toBe(165);
  });

  it('by rename to a name the glob also matches: the same file, not read twice', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 20));
    h = await startReceiver({ include: [join(dir, 'kong.log*')], start_at: 'beginning' });
    await until('20 entries', () => h!.accepted() === 20);
    renameSync(log, join(dir, 'kong.log.1'));
    append(join(dir, 'kong.log.1'), ids('a', 20, 25)); // a writer without reopen keeps writing the old file
    append(log, ids('b', 0, 10));
    await until('35 entries', () => h!.accepted() >= 35);
    await sleep(80);
    expect(h.accepted()).toBe(35);
    expect(new Set(h.next.ids()).size).toBe(35);
  });

  it('by truncation (copytruncate): reads the file again from its start', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 100));
    h = await startReceiver({ include: [log], start_at: 'beginning' });
    await until('100 entries', () => h!.accepted() === 100);
    copyFileSync(log, join(dir, 'kong.log.1'));
    truncateSync(log, 0);
    await sleep(60);
    append(log, ids('b', 0, 40));
    await until('140 entries', () => h!.accepted() >= 140);
    await sleep(60);
    expect(h.next.ids()).toEqual([...ids('a', 0, 100), ...ids('b', 0, 40)]);
  });

  it('by truncation refilled past the old offset between two polls: seen by the changed head', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 10));
    h = await startReceiver({ include: [log], start_at: 'beginning', poll_interval: '300ms' });
    await until('10 entries', () => h!.accepted() === 10);
    truncateSync(log, 0);
    append(log, ids('b', 0, 30)); // longer than before: the size alone does not show the truncation
    await until('40 entries', () => h!.accepted() >= 40, 3_000);
    expect(h.next.ids()).toEqual([...ids('a', 0, 10), ...ids('b', 0, 30)]);
  });

  it('a deleted file is read to its end and let go', async () => {
    const log = join(dir, 'kong.log');
    writeFileSync(log, '');
    h = await startReceiver({ include: [log] });
    append(log, ids('a', 0, 5));
    unlinkSync(log);
    await until('5 entries', () => h!.accepted() === 5);
    append(log, ids('b', 0, 3));
    await until('8 entries', () => h!.accepted() === 8);
    expect(h.next.ids()).toEqual([...ids('a', 0, 5), ...ids('b', 0, 3)]);
  });
});

describe('kong_file_log globs', () => {
  it('tails every file the include globs match and no excluded one', async () => {
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    append(join(dir, 'a.log'), ids('a', 0, 3));
    append(join(dir, 'sub', 'b.log'), ids('b', 0, 4));
    append(join(dir, 'sub', 'deeper', 'c.log'), ids('c', 0, 5));
    append(join(dir, 'skip-me.log'), ids('skip', 0, 6));
    append(join(dir, 'd.txt'), ids('d', 0, 7));
    h = await startReceiver({ include: [join(dir, '**', '*.log')], exclude: [join(dir, '**', 'skip-*')], start_at: 'beginning' });
    await until('12 entries', () => h!.accepted() >= 12);
    await sleep(60);
    expect(h.next.ids().sort()).toEqual([...ids('a', 0, 3), ...ids('b', 0, 4), ...ids('c', 0, 5)].sort());
  });

  it('tails what brace globs name, nested and with **, dotfiles included, and nothing a brace exclude names', async () => {
    for (const d of ['kong', join('nginx', 'node-1'), 'other']) mkdirSync(join(dir, d), { recursive: true });
    append(join(dir, 'kong', 'access.log'), ids('access', 0, 2));
    append(join(dir, 'kong', 'admin.log'), ids('admin', 0, 3));
    append(join(dir, 'kong', 'error.log'), ids('error', 0, 4));
    append(join(dir, 'kong', '.hidden.log'), ids('hidden', 0, 5));
    append(join(dir, 'nginx', 'node-1', 'x.log'), ids('nginx', 0, 6));
    append(join(dir, 'other', 'y.log'), ids('other', 0, 7));
    h = await startReceiver({
      include: [join(dir, '{kong,nginx}', '**', '*.log')],
      exclude: [join(dir, 'kong', '{error,admin}.log')],
      start_at: 'beginning',
    });
    await until('13 entries', () => h!.accepted() >= 13);
    await sleep(60);
    expect(h.next.ids().sort()).toEqual([...ids('access', 0, 2), ...ids('hidden', 0, 5), ...ids('nginx', 0, 6)].sort());
  });

  it('tails the files a brace alternative names, empty alternatives included', async () => {
    for (const name of ['access', 'admin', 'admin_access', 'error']) append(join(dir, `${name}.log`), ids(name, 0, 2));
    h = await startReceiver({ include: [join(dir, '{access,admin{,_access}}.log')], start_at: 'beginning' });
    await until('6 entries', () => h!.accepted() >= 6);
    await sleep(60);
    expect(h.next.ids().sort()).toEqual([...ids('access', 0, 2), ...ids('admin', 0, 2), ...ids('admin_access', 0, 2)].sort());
  });

  it('warns once when nothing matches yet, and picks the file up when it appears', async () => {
    h = await startReceiver({ include: [join(dir, 'not-yet', '*.log')] });
    await sleep(60);
    expect(h.logs.filter((l) => l.msg === 'no file matches `include` yet; waiting for one to appear')).toHaveLength(1);
    mkdirSync(join(dir, 'not-yet'));
    append(join(dir, 'not-yet', 'kong.log'), ids('x', 0, 2));
    await until('2 entries', () => h!.accepted() === 2);
  });
});

describe('kong_file_log symbolic links and other kinds of files', () => {
  it('follows a link that points outside the include globs (as the Collector does), naming it once', async () => {
    const logs = join(dir, 'logs');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(logs);
    mkdirSync(elsewhere);
    append(join(elsewhere, 'secret.txt'), ids('out', 0, 2));
    symlinkSync(join(elsewhere, 'secret.txt'), join(logs, 'linked.log'));
    append(join(logs, 'real.log'), ids('in', 0, 2));
    // A link to a file the globs match anyway is the same file, and no news.
    symlinkSync(join(logs, 'real.log'), join(logs, 'again.log'));
    h = await startReceiver({ include: [join(logs, '*.log')], start_at: 'beginning' });
    await until('4 entries', () => h!.accepted() === 4);
    append(join(elsewhere, 'secret.txt'), ids('out', 2, 3));
    await until('5 entries', () => h!.accepted() === 5);
    await sleep(60);
    expect(h.next.ids().sort()).toEqual([...ids('in', 0, 2), ...ids('out', 0, 3)].sort());
    const named = h.logs.filter((l) => String(l.msg).startsWith('following a symbolic link'));
    expect(named).toEqual([expect.objectContaining({ level: 40, file: join(logs, 'linked.log'), target: join(elsewhere, 'secret.txt') })]);
  });

  it('exclude matches the link, not its target', async () => {
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    append(join(dir, 'target.log'), ids('t', 0, 2));
    symlinkSync(join(dir, 'target.log'), join(logs, 'link.log'));
    h = await startReceiver({ include: [join(logs, '*.log')], exclude: [join(logs, 'link.log')], start_at: 'beginning' });
    await sleep(100);
    expect(h.accepted()).toBe(0);
  });

  it('skips a FIFO the globs match, naming it once, and reads the other files (it never blocks)', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.log')]);
    append(join(dir, 'kong.log'), ids('k', 0, 3));
    h = await startReceiver({ include: [join(dir, '*.log')], start_at: 'beginning' });
    await until('3 entries', () => h!.accepted() === 3);
    await sleep(60);
    const named = h.logs.filter((l) => String(l.msg).includes('not a regular file'));
    expect(named).toEqual([expect.objectContaining({ level: 40, file: join(dir, 'pipe.log') })]);
  });
});

describe('kong_file_log downstream', () => {
  it('stops tailing while the pipeline pushes back, keeps its offset, and delivers everything once after', async () => {
    const log = join(dir, 'kong.log');
    append(log, ids('a', 0, 30));
    h = await startReceiver({ include: [log], start_at: 'beginning' });
    h.next.answer = 'refuse';
    await until('3 attempts', () => h!.next.attempts >= 3);
    append(log, ids('a', 30, 40));
    expect(h.accepted()).toBe(0);
    h.next.answer = 'accept';
    await until('40 entries', () => h!.accepted() >= 40);
    await sleep(60);
    expect(h.next.ids()).toEqual(ids('a', 0, 40));
    expect(h.refused('back_pressure')).toBe(0);
    expect(h.logs.filter((l) => l.msg === 'the pipeline pushes back; tailing paused, offsets kept')).toHaveLength(1);
  });

  it('drops and counts what the pipeline refuses for good, and reads on', async () => {
    const log = join(dir, 'kong.log');
    writeFileSync(log, '');
    h = await startReceiver({ include: [log] });
    h.next.answer = new PermanentError('never');
    append(log, ids('a', 0, 3));
    await until('refused 3', () => h!.refused('permanent') === 3);
    h.next.answer = new Error('the test pipeline broke');
    append(log, ids('e', 0, 1));
    await until('error 1', () => h!.refused('error') === 1);
    h.next.answer = 'accept';
    append(log, ids('b', 0, 2));
    await until('2 entries', () => h!.accepted() === 2);
    expect(h.next.ids()).toEqual(ids('b', 0, 2));
  });
});
