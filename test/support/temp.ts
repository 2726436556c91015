import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** A fresh directory under the OS temp dir, `kongtel-<prefix>-…`; it stays (for a process to use, or to look at after a failure). */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `kongtel-${prefix}-`));
}

/**
 * For a test file that makes directories per test: call at the top of the file; the function it gives
 * makes `kongtel-<prefix>-…` (with `mode`, if given) and every one is removed after each test, after
 * the file's own afterEach hooks (which stop what still writes there) have run.
 */
export function tempDirs(prefix: string): (mode?: number) => string {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (mode) => {
    const d = tempDir(prefix);
    if (mode !== undefined) chmodSync(d, mode);
    made.push(d);
    return d;
  };
}
