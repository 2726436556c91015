import type { TargetGroup } from './target_group.js';

/**
 * Hands a discoverer's complete set of groups to the receiver only when it differs from the last set
 * handed over (a DNS refresh every 30 s or a Kubernetes resync usually finds nothing new, and each
 * update makes the receiver re-relabel every target). Compared as JSON: done once per refresh or watch
 * event, never per scrape.
 */
export class GroupPublisher {
  private last: string | undefined;

  constructor(private readonly update: (groups: readonly TargetGroup[]) => void) {}

  publish(groups: readonly TargetGroup[]): boolean {
    const text = JSON.stringify(groups);
    if (text === this.last) return false;
    this.last = text;
    this.update(groups);
    return true;
  }
}
