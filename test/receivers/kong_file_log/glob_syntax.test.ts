import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../../bench/fuzz/engine.js';
import { compileGlob, matches, type Glob } from '../../../receivers/kong_file_log/glob.js';
import { globSyntaxProblem } from '../../../receivers/kong_file_log/glob_syntax.js';

const RUNS = Math.max(500, Math.round(Number(process.env.FUZZ_RUNS ?? 10_000) / 5));
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);

// Glob pieces, broken ones included, and the path segments they can match (dotfiles among them).
const piece = fc.constantFrom('a', 'b', 'ab', '.a', '/', '*', '?', '**', '/**/', '[ab]', '[!a]', '{', '}', ',', '[', ']', '\\', '{a,b}', '{a/b,*}', '{,a}', '{a,{b,c}}', '{a,a/b}/', '{a/*,a}', '[{a}]', '[\\{]');
const patternArb = fc.array(piece, { minLength: 1, maxLength: 8 }).map((p) => `/r/${p.join('')}`);
const pathArb = fc.array(fc.constantFrom('a', 'b', 'ab', '.a', 'c', 'a,b', '{a}'), { minLength: 1, maxLength: 5 }).map((s) => `/r/${s.join('/')}`);

/** Whether the walk from the glob's roots reaches `path`: under a root, within its depth, every directory entered. */
function walkReaches(glob: Glob, path: string): boolean {
  return glob.roots.some((root) => {
    const prefix = root.base === '/' ? '/' : `${root.base}/`;
    if (!path.startsWith(prefix)) return false;
    const below = path.slice(prefix.length).split('/');
    if (below.length > root.depth) return false;
    for (let i = 1; i < below.length; i++) if (!glob.matcher.match(prefix + below.slice(0, i).join('/'), true)) return false;
    return true;
  });
}

describe('kong_file_log globs under hostile patterns', () => {
  it(`never throws on any pattern, and the walk reaches every path an accepted glob matches (${RUNS} patterns)`, () => {
    let matched = 0;
    fc.assert(
      fc.property(patternArb, fc.array(pathArb, { minLength: 1, maxLength: 20 }), (pattern, paths) => {
        const problem = globSyntaxProblem(pattern);
        if (problem !== undefined) {
          expect(problem).not.toContain(pattern);
          return;
        }
        const glob = compileGlob(pattern);
        for (const path of paths) {
          if (!matches([glob], path)) continue;
          matched++;
          expect(walkReaches(glob, path), `${pattern} matches ${path} but the walk would not reach it`).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect(matched).toBeGreaterThan(RUNS / 10); // the property saw matches, not only refusals
  });

  it('refuses a pattern of many brace groups quickly rather than expanding it', () => {
    const started = performance.now();
    expect(globSyntaxProblem(`/r/${'{a,b}'.repeat(60)}`)).toContain('more than 1024 alternatives');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
