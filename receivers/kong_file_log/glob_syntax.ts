import { braceExpand } from 'minimatch';
import { GLOB_OPTIONS } from './glob.js';

/** Beyond this, brace alternatives multiply into more patterns than one poll should match against. */
export const MAX_ALTERNATIVES = 1024;

/**
 * What is wrong with a glob, or undefined. The rules are doublestar v4's `ValidatePattern` (at 9fded312),
 * which the Collector's filelog receiver applies to `include` and `exclude` at config time; minimatch
 * itself never refuses a pattern, it reads a broken one as plain characters (bash's way), so a typo would
 * silently match nothing. Hand-written because no library states doublestar's rules; it also refuses what
 * minimatch would read otherwise than doublestar (`{a}`, `{1..3}`, `{` or `}` in a class, `,` in a class in braces).
 * Positions are 1-based characters; the pattern itself is not quoted, it may come from `${env:…}`.
 */
export function globSyntaxProblem(pattern: string): string | undefined {
  const braces: { at: number; alternatives: number }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (++i >= pattern.length) return 'ends in a lone `\\`: write `\\\\` for a backslash';
    } else if (c === '[') {
      const close = classEnd(pattern, i, braces.length > 0);
      if (typeof close === 'string') return close;
      i = close;
    } else if (c === '{') {
      braces.push({ at: i, alternatives: 1 });
    } else if (c === ',' && braces.length > 0) {
      braces[braces.length - 1].alternatives++;
    } else if (c === '}') {
      const open = braces.pop();
      if (open === undefined) return `\`}\` at character ${i + 1} closes no \`{\`: write \`\\}\` for a literal \`}\``;
      if (open.alternatives === 1) {
        return `\`{\` at character ${open.at + 1} holds one alternative: list two or more separated by \`,\` (e.g. {access,admin}; ranges such as {1..3} are not glob syntax, write {1,2,3}), or write \`\\{\` for a literal \`{\``;
      }
    }
  }
  if (braces.length > 0) return `\`{\` at character ${braces[0].at + 1} is never closed: close it with \`}\`, or write \`\\{\` for a literal \`{\``;
  if (braceExpand(pattern, { ...GLOB_OPTIONS, braceExpandMax: MAX_ALTERNATIVES + 1 }).length > MAX_ALTERNATIVES) {
    return `the braces make more than ${MAX_ALTERNATIVES} alternatives: split the glob, or use \`*\` or \`**\``;
  }
  return undefined;
}

/** Where the class opened at `open` ends, or what is wrong with it. */
function classEnd(pattern: string, open: number, inBraces: boolean): number | string {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') return `\`[\` at character ${open + 1} opens an empty class: put a character in it, or write \`\\[\` for a literal \`[\``;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === ']') return i;
    // Brace expansion runs first and does not see classes: it would expand `[{a,b}]` and split `{[,],c}`.
    else if (c === '{' || c === '}' || (inBraces && c === ',')) return `\`${c}\` at character ${i + 1} is inside a \`[class]\`: write \`\\${c}\``;
  }
  return `\`[\` at character ${open + 1} is never closed: close it with \`]\`, or write \`\\[\` for a literal \`[\``;
}
