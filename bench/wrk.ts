import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Closed-loop load with wrk: `connections` keep-alive connections, each POSTing the next of the given
 * bodies as soon as the previous answer arrives. wrk is C and runs on one thread, so on a 2-core machine
 * the server under test keeps a core to itself (a Node load generator was the bottleneck here).
 */
export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly non2xx: number;
}

export async function wrkPost(port: number, bodies: readonly Buffer[], connections: number, seconds: number): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'kongtel-wrk-'));
  bodies.forEach((b, i) => writeFileSync(join(dir, `body${i}.json`), b));
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
    `local bodies = {}
for i = 0, ${bodies.length - 1} do
  local f = io.open("${dir}/body" .. i .. ".json", "rb")
  bodies[#bodies + 1] = f:read("*all")
  f:close()
end
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/", { ["Content-Type"] = "application/json" }, bodies[(n % #bodies) + 1])
end
`,
  );
  const out = await new Promise<string>((resolve, reject) =>
    execFile('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, `http://127.0.0.1:${port}/`], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  );
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${out}`);
  return { requestsPerSecond: rps, non2xx };
}
