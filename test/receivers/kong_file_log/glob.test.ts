import { describe, expect, it } from 'vitest';
import { compileGlob, matches } from '../../../receivers/kong_file_log/glob.js';

describe('compileGlob', () => {
  it.each([
    // What the hand-written globs matched before (they must keep matching the same).
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
    // Braces, as doublestar (the Collector's filelog receiver) reads them.
    { glob: '/var/log/kong/{access,admin}.log', path: '/var/log/kong/access.log', match: true },
    { glob: '/var/log/kong/{access,admin}.log', path: '/var/log/kong/admin.log', match: true },
    { glob: '/var/log/kong/{access,admin}.log', path: '/var/log/kong/error.log', match: false },
    { glob: '/var/log/kong/{access,admin{,_access}}.log', path: '/var/log/kong/admin_access.log', match: true },
    { glob: '/var/log/kong/{access,admin{,_access}}.log', path: '/var/log/kong/admin.log', match: true },
    { glob: '/var/log/kong/{access,admin{,_access}}.log', path: '/var/log/kong/access_access.log', match: false },
    { glob: '/var/log/{kong,nginx/{a,b}}/*.log', path: '/var/log/nginx/b/x.log', match: true },
    { glob: '/var/log/{kong,nginx/{a,b}}/*.log', path: '/var/log/nginx/c/x.log', match: false },
    { glob: '/var/log/{kong,nginx}/**/*.log', path: '/var/log/nginx/node-1/x.log', match: true },
    { glob: '/var/log/{kong,nginx}/**/*.log', path: '/var/log/kong/x.log', match: true },
    { glob: '/var/log/{kong,nginx}/**/*.log', path: '/var/log/other/x.log', match: false },
    { glob: '/var/log/kong/*.{log,json}', path: '/var/log/kong/a.json', match: true },
    { glob: '/var/log/kong/some{thing,}.log', path: '/var/log/kong/some.log', match: true },
    // Dotfiles are names like any other for doublestar, as for `*`, `?` and `**` alike.
    { glob: '/var/log/kong/*.log', path: '/var/log/kong/.hidden.log', match: true },
    { glob: '/var/log/**/*.log', path: '/var/log/.kong/a.log', match: true },
    { glob: '/var/log/kong/?a.log', path: '/var/log/kong/.a.log', match: true },
    // Case-sensitive; `(`, `)`, `|`, `+`, `!`, `"` are plain characters, no extglobs; `\` escapes.
    { glob: '/var/log/kong/Access.log', path: '/var/log/kong/access.log', match: false },
    { glob: '/var/log/kong/(a|b).log', path: '/var/log/kong/a.log', match: false },
    { glob: '/var/log/kong/(a|b).log', path: '/var/log/kong/(a|b).log', match: true },
    { glob: '/var/log/kong/a|b.log', path: '/var/log/kong/a', match: false },
    { glob: '/var/log/kong/+(a).log', path: '/var/log/kong/a.log', match: false },
    { glob: '/var/log/kong/!(a).log', path: '/var/log/kong/b.log', match: false },
    { glob: '/var/log/kong/"a*".log', path: '/var/log/kong/"ab".log', match: true },
    { glob: '/var/log/kong/\\*.log', path: '/var/log/kong/*.log', match: true },
    { glob: '/var/log/kong/\\*.log', path: '/var/log/kong/a.log', match: false },
    { glob: '/var/log/kong/\\{a,b\\}.log', path: '/var/log/kong/{a,b}.log', match: true },
    { glob: '/var/log/kong/{[ab],c}.log', path: '/var/log/kong/b.log', match: true },
    { glob: '/var/log/kong/[\\{,]*.log', path: '/var/log/kong/{a.log', match: true },
    { glob: '/var/log/kong/{[\\,a],b}.log', path: '/var/log/kong/,.log', match: true },
    // A mid-segment `**` is a `*` (doublestar: "behaves like bash's globstar option").
    { glob: '/var/log/a**.log', path: '/var/log/abc.log', match: true },
    { glob: '/var/log/a**.log', path: '/var/log/a/b.log', match: false },
  ])('$glob ~ $path → $match', ({ glob, path, match }) => {
    expect(matches([compileGlob(glob)], path)).toBe(match);
  });

  it.each([
    { glob: '/var/log/kong/*.log', roots: [{ base: '/var/log/kong', depth: 1 }] },
    { glob: '/var/log/kong/access.log', roots: [{ base: '/var/log/kong', depth: 1 }] },
    { glob: '/var/log/*/kong.log', roots: [{ base: '/var/log', depth: 2 }] },
    { glob: '/var/**/kong.log', roots: [{ base: '/var', depth: Infinity }] },
    { glob: '/*.log', roots: [{ base: '/', depth: 1 }] },
    // Each brace alternative walks from its own literal directories, not from their common parent.
    { glob: '/var/log/kong/{access,admin}.log', roots: [{ base: '/var/log/kong', depth: 1 }] },
    {
      glob: '/var/{log/kong,lib/kong/*}/*.log',
      roots: [
        { base: '/var/lib/kong', depth: 2 },
        { base: '/var/log/kong', depth: 1 },
      ],
    },
    // A root another one already walks deep enough is not walked twice.
    { glob: '/var/log/{kong,kong/node-1}/**/*.log', roots: [{ base: '/var/log/kong', depth: Infinity }] },
    { glob: '/var/log/{kong/*,kong/node-1}/*.log', roots: [{ base: '/var/log/kong', depth: 2 }] },
  ])('walks $glob from $roots.0.base', ({ glob, roots }) => {
    expect(compileGlob(glob).roots).toEqual(roots);
  });

  it('matches a glob of many `*` against a long name that nearly matches in milliseconds, not seconds', () => {
    // The regular expression the hand-written globs compiled to backtracked: 8.5 s for this one name, on
    // every poll, with the event loop blocked. minimatch 11 matches without regular expressions.
    const glob = compileGlob(`/var/log/kong/${'*a'.repeat(8)}*b`);
    const started = performance.now();
    expect(matches([glob], `/var/log/kong/${'a'.repeat(40)}`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('reads a relative glob from the working directory, literal `.` and `..` resolved', () => {
    const cwd = process.cwd();
    expect(matches([compileGlob('logs/*.log')], `${cwd}/logs/a.log`)).toBe(true);
    expect(matches([compileGlob('./logs/../logs/{a,b}.log')], `${cwd}/logs/b.log`)).toBe(true);
    expect(compileGlob('./logs/*.log').roots).toEqual([{ base: `${cwd}/logs`, depth: 1 }]);
  });
});
