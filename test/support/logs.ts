import pino from 'pino';
import type { Logger } from '../../core/index.js';

/** One line a test logger wrote, parsed; `level` is pino's number (50 error, 40 warn, 30 info, 20 debug). */
export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** One line written with its level as a name (`warn`, `error`), as `recordingLogger` writes them. */
export interface NamedLevelLine {
  readonly level: string;
  readonly msg: string;
  readonly [key: string]: unknown;
}

export const ERROR = 50;
export const WARN = 40;

/**
 * A real pino logger that keeps every line it writes, parsed, so a test can check what a user would
 * read. `level`: the lowest level kept (debug unless said; a component's own default is info).
 */
export function capturingLogger(options: { level?: pino.LevelWithSilent } = {}): { logger: Logger; logs: LogLine[] } {
  const logs: LogLine[] = [];
  const logger = pino({ level: options.level ?? 'debug' }, { write: (s: string) => void logs.push(JSON.parse(s) as LogLine) });
  return { logger, logs };
}

/** As `capturingLogger`, with level names, and a count of the lines of a level that hold a text. */
export function recordingLogger(options: { level?: pino.LevelWithSilent } = {}): { logger: Logger; lines: NamedLevelLine[]; count(level: string, text: string): number } {
  const lines: NamedLevelLine[] = [];
  const logger = pino(
    { level: options.level ?? 'debug', formatters: { level: (label) => ({ level: label }) } },
    { write: (s: string) => void lines.push(JSON.parse(s) as NamedLevelLine) },
  );
  return { logger, lines, count: (level, text) => lines.filter((l) => l.level === level && l.msg.includes(text)).length };
}

/** The bytes a logger writes, one string per line, unparsed: to show a secret appears nowhere in them. */
export function textLogger(lines: string[], options: { level?: pino.LevelWithSilent } = {}): Logger {
  return pino({ level: options.level ?? 'info' }, { write: (s: string) => void lines.push(s) });
}
