import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePage } from '../../../receivers/prometheus/parser.js';
import { startPrometheus, waitFor, type PrometheusServer } from '../../helpers/processes.js';

/**
 * The same pages scraped by a real Prometheus (Debian's package) and read by kongtel's parser: the page
 * is refused by both or by neither, except where the README says kongtel differs. Each page is served
 * by its own loopback server, one Prometheus scrapes them all every second.
 */

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p as string)));

/** [case, page, Prometheus' up, kongtel's up] */
const PAGES: [string, string | Buffer, 0 | 1, 0 | 1][] = [
  ['plain', 'a 1\n', 1, 1],
  ['hexadecimal value', 'a 0x10\n', 0, 0],
  ['hexadecimal float', 'a 0x1p3\n', 0, 0],
  ['binary value', 'a 0b101\n', 0, 0],
  ['octal value', 'a 0o17\n', 0, 0],
  ['underscores', 'a 1_000\n', 0, 0],
  ['leading zeros', 'a 017\n', 1, 1],
  ['trailing dot', 'a 5.\n', 1, 1],
  ['a lone dot', 'a .\n', 0, 0],
  ['beyond float64', 'a 1e400\n', 0, 0],
  ['below the smallest subnormal', 'a 1e-400\n', 1, 1],
  ['+NaN', 'a +NaN\n', 0, 0],
  ['-Infinity', 'a -Infinity\n', 1, 1],
  ['INF', 'a INF\n', 1, 1],
  ['a no-break space', 'a 1\u00a0\n', 0, 0],
  ['an exponent without digits', 'a 1e\n', 0, 0],
  ['negative timestamp', 'a 1 -1\n', 0, 0],
  ['signed timestamp', 'a 1 +5\n', 0, 0],
  ['fractional timestamp', 'a 1 1.5\n', 0, 0],
  ['CRLF', 'a 1\r\nb 2\r\n', 0, 0],
  ['__name__ label', 'a{__name__="b"} 1\n', 0, 0],
  ['a label twice', 'a{b="1",b="2"} 1\n', 0, 0],
  ['label value not UTF-8', bytes('a{b="', [0xff], '"} 1\n'), 0, 0],
  ['HELP not UTF-8', bytes('# HELP a x', [0xc3], '\na 1\n'), 0, 0],
  ['comment not UTF-8', bytes('# hi ', [0xff], '\na 1\n'), 1, 1],
  ['unknown escape', 'a{b="\\x"} 1\n', 1, 1],
  ['no comma between labels', 'a{b="1" c="2"} 1\n', 1, 1],
  ['value right after }', 'a{b="1"}2\n', 1, 1],
  ['#HELP without a blank', '#HELP a x\na 1\n', 1, 1],
  ['a label name starting with a digit', 'a{1b="c"} 1\n', 0, 0],
  ['a leading comma', 'a{,b="1"} 1\n', 0, 0],
  ['a quoted metric name', '{"a.b"} 1\n', 0, 0],
  ['a second TYPE', '# TYPE a counter\n# TYPE a gauge\na 1\n', 1, 1],
  ['a TYPE after the samples', 'a 1\n# TYPE a counter\n', 1, 1],
  ['a repeated series', 'a 1\na 2\n', 1, 1],
  ['non-numeric quantile', '# TYPE s summary\ns{quantile="abc"} 1\ns_sum 1\ns_count 1\n', 1, 1],
  ['histogram _count above +Inf', '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n', 1, 1],
  // The README's exceptions: metadata lines are skipped, not fatal.
  ['TYPE word not a type (Kong docs)', '# TYPE a bucket\na 1\n', 0, 1],
  ['TYPE word in capitals', '# TYPE c COUNTER\nc 1\n', 0, 1],
];

const PROMETHEUS = '/usr/bin/prometheus';
const available = existsSync(PROMETHEUS);
if (!available) {
  if (process.env.CI === 'true') throw new Error(`${PROMETHEUS} not found (apt-get install -y prometheus); CI=true requires it`);
  console.warn(`skipping the Prometheus parity test: ${PROMETHEUS} not found (apt-get install -y prometheus)`);
}

function kongtelUp(body: string | Buffer): 0 | 1 {
  const page = parsePage(typeof body === 'string' ? Buffer.from(body) : body);
  return page.fatal === undefined && page.sampleCount > 0 ? 1 : 0;
}

describe.skipIf(!available)('refused by a real Prometheus ⇔ refused by kongtel', () => {
  const servers: Server[] = [];
  const instances: string[] = [];
  let prometheus: PrometheusServer | undefined;
  let up = new Map<string, number>();

  beforeAll(async () => {
    for (const [, body] of PAGES) {
      const server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      instances.push(`127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    prometheus = await startPrometheus(instances);
    const p = prometheus;
    up = await waitFor('every page scraped once', async () => {
      const rows = await p.query('up');
      return rows.length === PAGES.length ? new Map(rows.map((r) => [r.metric.instance, r.value])) : undefined;
    }, 30_000, 250);
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  it.each(PAGES.map((row, i) => [...row, i] as const))('%s: Prometheus up=%i, kongtel up=%i', (_name, body, prometheusUp, expected, i) => {
    expect(up.get(instances[i])).toBe(prometheusUp);
    expect(kongtelUp(body)).toBe(expected);
  });
});
