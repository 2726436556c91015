import { isAbsolute, join } from 'node:path';
import { GLOBSTAR, Minimatch, type MinimatchOptions } from 'minimatch';
import { errnoCode, forEachEntry } from '../../core/index.js';

/**
 * Path globs as the Collector's filelog receiver reads them: it globs `include` and matches `exclude` with
 * bmatcuk/doublestar v4, whose README (at 9fded312) defines `*`, `?`, `[class]` / `[!class]` / `[^class]`,
 * `{alt1,...}` (nested, empty alternatives allowed), `**` as a whole segment and `\` escaping. minimatch
 * rather than picomatch: picomatch reads `(a|b)` as a regex group and `a|b` as an alternation, strips
 * double quotes and needs `posix` for `[!x]`, where doublestar sees plain characters; minimatch with
 * `noext` does not, it lists the brace alternatives as segments and matches directory prefixes
 * (`partial`), which the walk below prunes with, and since v11 it matches without regular expressions,
 * so no glob can backtrack for seconds on a long name (the regex the hand-written globs compiled to did).
 * The options that give doublestar's meaning:
 */
export const GLOB_OPTIONS: MinimatchOptions = {
  // doublestar has no hidden files: `*`, `?` and `**` match names starting with `.` like any other.
  dot: true,
  // `(`, `)`, `|`, `+(…)`, `@(…)`, `!(…)` are plain characters: doublestar has no extglobs.
  noext: true,
  // A leading `!` or `#` is part of the path, not a negation or a comment.
  nonegate: true,
  nocomment: true,
  // doublestar is case-sensitive unless asked (`WithCaseInsensitive`), which the filelog receiver is not.
  nocase: false,
  // `/` is the only separator and `\` escapes, as doublestar's `Match` on slash paths.
  platform: 'linux',
  // `.` and `..` segments go (the listed paths have none), as `path.resolve` did before.
  optimizationLevel: 2,
  // More alternatives than this are refused at config time (glob_syntax.ts); here they cannot explode.
  braceExpandMax: 1025,
};

/** A directory the walk starts from, and how many levels below it a file can match; Infinity with `**`. */
export interface WalkRoot {
  readonly base: string;
  readonly depth: number;
}

export interface Glob {
  readonly pattern: string;
  readonly matcher: Minimatch;
  /** One per brace alternative's literal leading directories, less those another root walks anyway. */
  readonly roots: readonly WalkRoot[];
}

export function compileGlob(pattern: string): Glob {
  // Not `path.resolve`: it would normalise inside braces (`{a/..,b}`); minimatch resolves `.`/`..` itself.
  const absolute = isAbsolute(pattern) ? pattern : `${process.cwd()}/${pattern}`;
  const matcher = new Minimatch(absolute, GLOB_OPTIONS);
  const each: WalkRoot[] = matcher.set.map((parts) => {
    let literal = 0;
    while (literal < parts.length - 1 && typeof parts[literal] === 'string') literal++;
    const rest = parts.slice(literal);
    return { base: parts.slice(0, literal).join('/') || '/', depth: rest.includes(GLOBSTAR) ? Infinity : rest.length };
  });
  // A root that covers another has a base no longer and, on the same base, a depth no smaller: it sorts first.
  each.sort((a, b) => a.base.length - b.base.length || b.depth - a.depth);
  const roots: WalkRoot[] = [];
  for (const r of each) if (!roots.some((o) => covers(o, r))) roots.push(r);
  return { pattern, matcher, roots };
}

/** Whether walking `outer` lists everything walking `inner` would. */
function covers(outer: WalkRoot, inner: WalkRoot): boolean {
  if (inner.base === outer.base) return outer.depth >= inner.depth;
  const prefix = outer.base === '/' ? '/' : `${outer.base}/`;
  if (!inner.base.startsWith(prefix)) return false;
  const below = inner.base.slice(prefix.length).split('/').length;
  return outer.depth - below >= inner.depth;
}

export function matches(globs: readonly Glob[], path: string): boolean {
  for (const g of globs) if (g.matcher.match(path)) return true;
  return false;
}

/** Where listing a directory failed, other than it not existing (reported by the caller, once). */
export interface WalkProblem {
  readonly dir: string;
  readonly code: string;
}

/**
 * The regular files and symlinks under each glob's roots that match it and no `exclude` glob, sorted.
 * Hand-written over the matcher rather than fast-glob or tinyglobby: those read each directory whole into
 * an array, and swallow the errors the caller names. Directories are entered only as deep as a glob can
 * match and only where a glob can still match below them; symlinked directories are not followed, so a
 * link loop cannot trap the walk. Each directory is streamed, so a huge one costs no array of its names
 * every poll; other kinds of entries (FIFOs, sockets, devices) are listed too, for the caller to skip and
 * name once.
 */
export async function listMatches(include: readonly Glob[], exclude: readonly Glob[], problems: WalkProblem[]): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of include) for (const root of glob.roots) await walk(root.base, glob, root.depth, exclude, found, problems);
  return [...found].sort();
}

async function walk(dir: string, glob: Glob, depth: number, exclude: readonly Glob[], found: Set<string>, problems: WalkProblem[]): Promise<void> {
  const subdirs: string[] = [];
  try {
    await forEachEntry(dir, (name, kind) => {
      const path = join(dir, name);
      if (kind === 'directory') {
        if (depth > 1 && glob.matcher.match(path, true)) subdirs.push(path);
      } else if (glob.matcher.match(path) && !matches(exclude, path)) {
        found.add(path);
      }
    });
  } catch (err) {
    const code = errnoCode(err) ?? 'error';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') problems.push({ dir, code });
    return;
  }
  // Entered after the listing is closed: one directory open at a time, however deep the tree.
  for (const sub of subdirs) await walk(sub, glob, depth - 1, exclude, found, problems);
}
