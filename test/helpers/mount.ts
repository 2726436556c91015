import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Small tmpfs mounts, for disks that are really full or really read-only. Mounting needs root
 * (CAP_SYS_ADMIN); tests that need it run only where `canMount` (decided once, by trying).
 */
export const canMount: boolean = (() => {
  const d = mkdtempSync(join(tmpdir(), 'kongtel-canmount-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', d], { stdio: 'ignore' });
    execFileSync('umount', [d], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
})();

/** Mounts a tmpfs with `options` (e.g. `size=64k,nr_inodes=4`) on `dir`; returns how to unmount it. */
export function mountTmpfs(dir: string, options: string): () => void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
  return () => void spawnSync('umount', ['-l', dir]);
}
