import type { CollectorStatus } from '../../core/index.js';

/** The JSON the OTel Collector's health_check extension answers, so existing probes and dashboards fit. */
export interface HealthBody {
  readonly status: 'Server available' | 'Server not available';
  readonly upSince: string;
  readonly uptime: string;
}

export function healthBody(status: CollectorStatus, upSinceMs: number, nowMs: number): HealthBody {
  return {
    status: status === 'running' ? 'Server available' : 'Server not available',
    upSince: new Date(upSinceMs).toISOString(),
    uptime: formatUptime(nowMs - upSinceMs),
  };
}

/** A duration as Go's `time.Duration.String()` writes it (the Collector's format), to the millisecond. */
export function formatUptime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  let text = '';
  if (hours > 0) text += `${hours}h`;
  if (hours > 0 || minutes > 0) text += `${minutes}m`;
  return `${text}${seconds}s`;
}
