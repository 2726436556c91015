import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { LineCounter, parseDocument, visit, type Alias, type Document } from 'yaml';
import { ConfigError, type ConfigIssue } from './errors.js';

/**
 * The config file as text, then as a plain tree: every way the file itself can be wrong (missing, a
 * directory, huge, not UTF-8, not YAML, an alias bomb) is a config error with the line, never a throw
 * from a library.
 */

/** A kongtel config is kilobytes; this leaves room for big pricing tables and stops `--config /dev/zero`. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/**
 * yaml's own default, written down: an anchor may be expanded this many times in all (weighted by the
 * aliases inside it), which stops a "billion laughs" document at a few hundred nodes.
 */
export const MAX_ALIAS_COUNT = 100;

const READ_CHUNK = 64 * 1024;

export function readConfigText(file: string): string {
  const fail = (message: string) => new ConfigError(file, [{ path: '', message }]);
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw fail(readProblem(err));
  }
  const chunks: Buffer[] = [];
  try {
    // Read in chunks up to the limit rather than trusting the size a stat reports (a FIFO or device has none).
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_CONFIG_BYTES) throw fail(`the file is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MiB; a config is a few kilobytes (is --config the right file?)`);
      chunks.push(chunk.subarray(0, n));
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw fail(readProblem(err));
  } finally {
    closeSync(fd);
  }
  const bytes = Buffer.concat(chunks);
  if (!isUtf8(bytes)) throw fail(`not UTF-8 text (first at line ${firstNonUtf8Line(bytes)}); save the file as UTF-8`);
  // Like the Collector, a byte-order mark is allowed and ignored.
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EISDIR') return 'is a directory; pass the config file itself, e.g. --config /etc/kongtel/pipelines.yaml';
  if (code === 'EACCES') return 'permission denied; make the file readable by the user kongtel runs as';
  return `cannot read the file (${code ?? String(err)})`;
}

/** Line breaks are single bytes that never occur inside a multi-byte sequence, so lines can be checked alone. */
function firstNonUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      if (!isUtf8(bytes.subarray(start, i))) return line;
      line++;
      start = i + 1;
    }
  }
  return line;
}

export interface YamlTree {
  readonly tree: unknown;
  /** Things yaml tolerated but the user should hear about (an unknown tag), with their line. */
  readonly warnings: readonly string[];
}

export function parseYamlTree(text: string, file: string): YamlTree {
  const lineCounter = new LineCounter();
  // logLevel 'error': yaml's warnings are returned with their line instead of printed by process.emitWarning.
  // No YAML 1.1 tags (!!binary, !!timestamp, !!set): a config holds strings, numbers, booleans, lists, maps.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, logLevel: 'error', resolveKnownTags: false });
  if (doc.errors.length > 0) {
    const messages = doc.errors.map((e) => {
      // yaml points a duplicate key at the end of the first one; its second position is the repeat.
      const pos = (e.code === 'DUPLICATE_KEY' ? e.linePos?.[1] : e.linePos?.[0]) ?? lineCounter.linePos(e.pos[0]);
      return `YAML syntax error at line ${pos.line}, column ${pos.col}: ${syntaxProblem(e.code, e.message)}`;
    });
    throw new ConfigError(file, dedupe(messages).map((message) => ({ path: '', message })));
  }
  const warnings = doc.warnings.map((w) => {
    const pos = w.linePos?.[0] ?? lineCounter.linePos(w.pos[0]);
    return `line ${pos.line}, column ${pos.col}: ${firstLine(w.message)}`;
  });
  try {
    return { tree: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), warnings };
  } catch (err) {
    throw new ConfigError(file, [aliasProblem(err, doc, lineCounter)]);
  }
}

function syntaxProblem(code: string, message: string): string {
  if (code === 'DUPLICATE_KEY') return 'a key is repeated in the same map';
  if (code === 'MULTIPLE_DOCS') return 'a config is one YAML document; remove the "---" that starts a second one';
  if (code === 'RESOURCE_EXHAUSTION') return 'the document is nested too deeply';
  return firstLine(message);
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function dedupe(messages: readonly string[]): string[] {
  const seen = new Set<string>();
  return messages.filter((m) => {
    const what = m.replace(/^YAML syntax error at line \d+, column \d+: /, '');
    if (what === 'the document is nested too deeply' && seen.has(what)) return false;
    seen.add(what);
    return true;
  });
}

/** toJS throws a bare ReferenceError for aliases; find the alias it is about, for its line. */
function aliasProblem(err: unknown, doc: Document, lineCounter: LineCounter): ConfigIssue {
  const aliases: Alias[] = [];
  visit(doc, { Alias: (_key, node) => void aliases.push(node) });
  const at = (node: Alias | undefined) => (node?.range ? ` at line ${lineCounter.linePos(node.range[0]).line}` : '');
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith('Excessive alias count')) {
    // Each alias alone, in document order: the first that exceeds the budget is where the bomb goes off.
    const culprit = aliases.find((a) => {
      try {
        a.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT });
        return false;
      } catch {
        return true;
      }
    });
    return {
      path: '',
      message: `YAML aliases${at(culprit)} expand to more than ${MAX_ALIAS_COUNT} copies (the shape of a "billion laughs" attack); write the values out or use fewer nested aliases`,
    };
  }
  if (message.startsWith('Unresolved alias')) {
    const source = message.replace(/^.*: /, '');
    const culprit = aliases.find((a) => a.source === source);
    return { path: '', message: `YAML alias *${source}${at(culprit)} names no anchor before it; define &${source} first` };
  }
  return { path: '', message: `the YAML cannot be read (${firstLine(message)})` };
}
