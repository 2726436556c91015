/**
 * Data points the receiver drops while converting a request, and why: they become the answer's
 * `partial_success` (rejected_data_points + error_message) and the refused-points self-metric.
 */

import type { RejectedPointReason } from '../../core/index.js';

export const SUMMARY_NOT_SUPPORTED = 'summary metrics are not supported';

interface Problem {
  readonly reason: RejectedPointReason;
  points: number;
  readonly metrics: Set<string>;
}

/** How many metric names one problem lists in the message; the rest are counted. */
const NAMES_SHOWN = 5;

export class Rejections {
  private readonly problems = new Map<string, Problem>();
  private total = 0;

  /** `problem` is fixed text (no values), so the same problem groups across points and may be logged. */
  add(reason: RejectedPointReason, problem: string, metric: string, points = 1): void {
    if (points <= 0) return;
    let p = this.problems.get(problem);
    if (p === undefined) {
      p = { reason, points: 0, metrics: new Set() };
      this.problems.set(problem, p);
    }
    p.points += points;
    p.metrics.add(metric);
    this.total += points;
  }

  get count(): number {
    return this.total;
  }

  countOf(reason: RejectedPointReason): number {
    let n = 0;
    for (const p of this.problems.values()) if (p.reason === reason) n += p.points;
    return n;
  }

  /** The problems without metric names, for the log. */
  problemList(): string[] {
    return [...this.problems.keys()];
  }

  /** For `partial_success.error_message`: each problem, how many points, and in which metrics. */
  message(): string {
    const parts: string[] = [];
    for (const [problem, p] of this.problems) {
      const names = [...p.metrics];
      const shown = names.slice(0, NAMES_SHOWN).map((n) => JSON.stringify(n)).join(', ');
      const more = names.length > NAMES_SHOWN ? ` and ${names.length - NAMES_SHOWN} more` : '';
      parts.push(`${problem}: ${p.points} data point${p.points === 1 ? '' : 's'} dropped (metric ${shown}${more})`);
    }
    return parts.join('; ');
  }
}
