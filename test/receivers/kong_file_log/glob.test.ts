import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../../receivers/kong_file_log/glob.js';

describe('compileGlob', () => {
  it.each([
    { glob: '/var/log/kong/*.log', path: '/var/log/kong/access.log', match: true },
    { glob: '/var/log/kong/*.log', path: '/var/log/kong/access.log.1', match: false },
    { glob: '/var/log/kong/*.log', path: '/var/log/kong/sub/access.log', match: false },
    { glob: '/var/log/kong/*.log*', path: '/var/log/kong/access.log.1', match: true },
    { glob: '/var/log/kong/access-?.log', path: '/var/log/kong/access-7.log', match: true },
    { glob: '/var/log/kong/access-?.log', path: '/var/log/kong/access-17.log', match: false },
    { glob: '/var/log/kong/[ab]*.log', path: '/var/log/kong/b.log', match: true },
    { glob: '/var/log/kong/[!ab]*.log', path: '/var/log/kong/b.log', match: false },
    { glob: '/var/log/kong/[!ab]*.log', path: '/var/log/kong/c.log', match: true },
    { glob: '/var/log/**/*.log', path: '/var/log/a.log', match: true },
    { glob: '/var/log/**/*.log', path: '/var/log/kong/node-1/a.log', match: true },
    { glob: '/var/log/**', path: '/var/log/kong/anything', match: true },
    { glob: '/var/log/kong/file.log', path: '/var/log/kong/file.log', match: true },
    { glob: '/var/log/kong/file.log', path: '/var/log/kong/fileXlog', match: false },
    { glob: '/srv/logs (old)/*.log', path: '/srv/logs (old)/a.log', match: true },
  ])('$glob ~ $path → $match', ({ glob, path, match }) => {
    expect(compileGlob(glob).regex.test(path)).toBe(match);
  });

  it.each([
    { glob: '/var/log/kong/*.log', base: '/var/log/kong', depth: 1 },
    { glob: '/var/log/kong/access.log', base: '/var/log/kong', depth: 1 },
    { glob: '/var/log/*/kong.log', base: '/var/log', depth: 2 },
    { glob: '/var/**/kong.log', base: '/var', depth: Infinity },
    { glob: '/*.log', base: '/', depth: 1 },
  ])('walks $glob from $base, $depth deep', ({ glob, base, depth }) => {
    expect(compileGlob(glob)).toMatchObject({ base, depth });
  });
});
