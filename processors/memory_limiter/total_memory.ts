import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';

/**
 * The memory kongtel may use, which `limit_percentage` is a percentage of: the cgroup's memory limit when
 * one is set (in a container that is what the OOM killer enforces), else the machine's memory.
 */

export interface MemorySource {
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** The machine's memory in bytes. */
  totalmem(): number;
}

export interface AvailableMemory {
  readonly bytes: number;
  /** Where the figure came from, for the start-up log line. */
  readonly source: string;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

export const systemMemorySource: MemorySource = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  totalmem,
};

/** A limit file's value in bytes; undefined for "max", unreadable, or cgroup v1's "unlimited" (2^63 rounded to a page). */
function limitOf(text: string | undefined): number | undefined {
  const t = text?.trim();
  if (t === undefined || t === '' || t === 'max') return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `/a/b` → [`/a/b`, `/a`, ``]: a parent cgroup's limit binds its children too. */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter((p) => p !== '');
  const out: string[] = [];
  for (let i = parts.length; i >= 0; i--) out.push(i === 0 ? '' : `/${parts.slice(0, i).join('/')}`);
  return out;
}

/** The cgroup (v2 unified, or v1 memory controller) paths of this process, from /proc/self/cgroup. */
function cgroupLimitFiles(src: MemorySource): string[] {
  const files: string[] = [];
  for (const line of (src.readFile('/proc/self/cgroup') ?? '').split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    if (m[1] === '') for (const p of ancestors(m[2])) files.push(`${CGROUP_ROOT}${p}/memory.max`);
    else if (m[1].split(',').includes('memory')) for (const p of ancestors(m[2])) files.push(`${CGROUP_ROOT}/memory${p}/memory.limit_in_bytes`);
  }
  // Inside a container with its own cgroup namespace the process sits at the root of these.
  files.push(`${CGROUP_ROOT}/memory.max`, `${CGROUP_ROOT}/memory/memory.limit_in_bytes`);
  return files;
}

export function availableMemory(src: MemorySource = systemMemorySource): AvailableMemory {
  const machine = src.totalmem();
  let best: AvailableMemory = { bytes: machine, source: 'machine memory (os.totalmem)' };
  for (const file of new Set(cgroupLimitFiles(src))) {
    const limit = limitOf(src.readFile(file));
    if (limit !== undefined && limit < best.bytes) best = { bytes: limit, source: file };
  }
  return best;
}
