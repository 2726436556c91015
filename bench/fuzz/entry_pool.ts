import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KongEntryGenerator } from '../kong_entries.js';

/**
 * Real Kong entries to start mutating from: every JSON fixture of test/testdata/kong/ (each Kong version
 * and plugin shape the project knows) plus entries varied by the benchmark's seeded generator.
 */

// From source (bench/fuzz/) or compiled (dist/bench/fuzz/).
const FIXTURE_DIRS = [new URL('../../test/testdata/kong/', import.meta.url), new URL('../../../test/testdata/kong/', import.meta.url)];

function fixtureDir(): string {
  for (const url of FIXTURE_DIRS) {
    const dir = fileURLToPath(url);
    try {
      readdirSync(dir);
      return dir;
    } catch {
      // the other layout
    }
  }
  throw new Error('fuzz: test/testdata/kong/ not found next to bench/ or dist/bench/');
}

function isEntryObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Fixture entries, by file name (an http-log batch file gives several). */
export function fixtureEntries(): Record<string, unknown>[] {
  const dir = fixtureDir();
  const out: Record<string, unknown>[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const parsed: unknown = JSON.parse(readFileSync(`${dir}${name}`, 'utf8'));
    for (const v of Array.isArray(parsed) ? parsed : [parsed]) if (isEntryObject(v)) out.push(v);
  }
  return out;
}

/** The pool every generated case draws from: fixtures first, then `generated` seeded variations. */
export function entryPool(seed: number, generated = 48): readonly Record<string, unknown>[] {
  const varied = new KongEntryGenerator(seed).many(generated).map((g) => g.entry);
  return [...fixtureEntries(), ...varied];
}
