import { rename } from 'node:fs/promises';

/**
 * Renames a damaged state file to `<path>.corrupt-<UTC time>`, so kongtel can write a fresh one without
 * destroying the evidence (or what a person may still recover from it). Returns the new path.
 */
export async function moveAside(path: string, nowMs: number): Promise<string> {
  const stamp = new Date(nowMs).toISOString().replace(/[-:]/g, '');
  const aside = `${path}.corrupt-${stamp}`;
  await rename(path, aside);
  return aside;
}
