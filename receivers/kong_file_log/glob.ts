import { join, resolve, sep } from 'node:path';
import { forEachEntry } from '../../core/index.js';

/**
 * Path globs as the Collector's filelog receiver writes them: `*` (any characters but `/`), `?` (one
 * character), `[abc]` / `[!abc]` (one of / none of), and `**` as a whole segment (any number of
 * directories, none included). Node 20 has no stable `fs.glob`, and a matcher this small is easier to
 * trust than a dependency.
 */
export interface Glob {
  readonly pattern: string;
  /** The directory the walk starts from: the leading segments without wildcards. */
  readonly base: string;
  /** How many directory levels below `base` can match; Infinity with `**`. */
  readonly depth: number;
  readonly regex: RegExp;
}

const WILDCARD = /[*?[]/;

export function compileGlob(pattern: string): Glob {
  const absolute = resolve(pattern);
  const segments = absolute.split(sep);
  let firstWild = segments.findIndex((s) => WILDCARD.test(s));
  if (firstWild < 0) firstWild = segments.length - 1; // a plain path: its directory is the base
  const base = segments.slice(0, firstWild).join(sep) || sep;
  const rest = segments.slice(firstWild);
  const depth = rest.includes('**') ? Infinity : rest.length;
  let source = escape(base === sep ? '' : base);
  for (let i = 0; i < rest.length; i++) {
    const last = i === rest.length - 1;
    if (rest[i] === '**') source += last ? '/.*' : '(?:/[^/]+)*';
    else source += `/${segmentSource(rest[i])}`;
  }
  return { pattern, base, depth, regex: new RegExp(`^${source}$`) };
}

export function matches(globs: readonly Glob[], path: string): boolean {
  for (const g of globs) if (g.regex.test(path)) return true;
  return false;
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|\\[\]*?]/g, '\\$&');
}

function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^/' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = close;
    } else out += escape(c);
  }
  return out;
}

/** Where listing a directory failed, other than it not existing (reported by the caller, once). */
export interface WalkProblem {
  readonly dir: string;
  readonly code: string;
}

/**
 * The regular files and symlinks under each glob's base that match it and no `exclude` glob, sorted.
 * Directories are entered only as deep as a glob can match; symlinked directories are not followed, so a
 * link loop cannot trap the walk. Each directory is streamed, so a huge one costs no array of its names
 * every poll; other kinds of entries (FIFOs, sockets, devices) are listed too, for the caller to skip and
 * name once.
 */
export async function listMatches(include: readonly Glob[], exclude: readonly Glob[], problems: WalkProblem[]): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of include) await walk(glob.base, glob, glob.depth, exclude, found, problems);
  return [...found].sort();
}

async function walk(dir: string, glob: Glob, depth: number, exclude: readonly Glob[], found: Set<string>, problems: WalkProblem[]): Promise<void> {
  const subdirs: string[] = [];
  try {
    await forEachEntry(dir, (name, kind) => {
      const path = join(dir, name);
      if (kind === 'directory') {
        if (depth > 1) subdirs.push(path);
      } else if (glob.regex.test(path) && !matches(exclude, path)) {
        found.add(path);
      }
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') problems.push({ dir, code });
    return;
  }
  // Entered after the listing is closed: one directory open at a time, however deep the tree.
  for (const sub of subdirs) await walk(sub, glob, depth - 1, exclude, found, problems);
}
