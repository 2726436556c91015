import pino from 'pino';
import type { Logger } from '../../core/index.js';

export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A real pino logger that keeps every line it writes, parsed, so a test can count what a user would read. */
export function recordingLogger(): { logger: Logger; lines: LogLine[]; count(level: string, text: string): number } {
  const lines: LogLine[] = [];
  const logger = pino(
    { level: 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) },
  );
  return { logger, lines, count: (level, text) => lines.filter((l) => l.level === level && l.msg.includes(text)).length };
}
