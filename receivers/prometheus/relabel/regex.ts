import { RE2JS } from 're2js';

/**
 * A relabel `regex` with Prometheus' meaning (prometheus/prometheus model/relabel/relabel.go at
 * d15adb9a, `NewRegexp`): RE2 syntax, anchored at both ends as `^(?s:…)$`, so `.` also matches a
 * newline. re2js (a port of RE2) rather than JavaScript's RegExp: the same syntax is accepted and
 * refused as in Go (lookarounds and backreferences are errors, `(?P<name>…)`, `(?i)` and `[[:alpha:]]`
 * work), matching is linear in the input, and groups are numbered as Go numbers them.
 */
export class RelabelRegex {
  private readonly re: RE2JS;
  private readonly names: Readonly<Record<string, number>>;

  private constructor(
    /** As written in the config, without the anchors. */
    readonly source: string,
    re: RE2JS,
  ) {
    this.re = re;
    this.names = re.namedGroups();
  }

  /** The compiled regex, or the reason RE2 refuses it (the message a user reads after the key path). */
  static compile(source: string): RelabelRegex | string {
    try {
      return new RelabelRegex(source, RE2JS.compile(`^(?s:${source})$`));
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      return `is not an RE2 regular expression (${detail}); Prometheus uses Go's RE2 syntax: no lookahead/lookbehind ((?=…), (?!…), (?<=…)) and no backreferences (\\1)`;
    }
  }

  matches(value: string): boolean {
    return this.re.testExact(value);
  }

  /**
   * The groups of a whole-value match, `[group0, group1, …]` (undefined for a group that took no part),
   * or undefined when the value does not match.
   */
  groups(value: string): readonly (string | undefined)[] | undefined {
    const m = this.re.exec(value) as (string | null | undefined)[] | null;
    if (m === null) return undefined;
    return Array.from(m, (g) => (g === null ? undefined : g));
  }

  groupIndex(name: string): number | undefined {
    return this.names[name];
  }
}
