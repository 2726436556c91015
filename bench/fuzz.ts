import { pathToFileURL } from 'node:url';
import { DEFAULT_SEED, failureCount, runFuzzSuite, summarize } from './fuzz/engine.js';

/**
 * The hostile-input suite as a long run (`npm run fuzz`): the same engine as test/fuzz/, with as many
 * generated inputs as asked. `node dist/bench/fuzz.js [runs] [seed]`, or FUZZ_RUNS / FUZZ_SEED.
 */
export interface FuzzResult {
  readonly cases: number;
  /** Cases (and totals) that broke a rule: a wrong or missing answer, a hang, an entry lost or counted twice. */
  readonly crashes: number;
  readonly unhandled: number;
  readonly peakRssMiB: number;
}

export async function runFuzz(runs: number, seed: number = DEFAULT_SEED): Promise<FuzzResult> {
  const report = await runFuzzSuite({ runs, seed });
  process.stdout.write(`${summarize(report)}\n`);
  for (const r of report.receivers) for (const f of r.failures) process.stdout.write(`FAIL ${f}\n`);
  for (const u of report.unhandled) process.stdout.write(`UNHANDLED ${u}\n`);
  return {
    cases: report.receivers.reduce((n, r) => n + r.cases, 0),
    crashes: failureCount(report),
    unhandled: report.unhandled.length,
    peakRssMiB: report.peakRssMiB,
  };
}

function positiveInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = positiveInteger(process.argv[2]) ?? positiveInteger(process.env.FUZZ_RUNS) ?? 100_000;
  const seed = positiveInteger(process.argv[3]) ?? positiveInteger(process.env.FUZZ_SEED) ?? DEFAULT_SEED;
  const result = await runFuzz(runs, seed);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exitCode = result.crashes > 0 || result.unhandled > 0 ? 1 : 0;
}
