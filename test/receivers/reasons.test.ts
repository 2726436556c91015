import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../bench/fuzz/engine.js';
import {
  BackPressureError,
  CLOSED_REASONS,
  LISTENER_REFUSED_REASONS,
  LogReceiverTelemetry,
  PermanentError,
  REFUSED_REASONS,
  REJECTED_POINT_REASONS,
  REJECTED_REASONS,
  SCRAPE_FAILURE_REASONS,
  SelfMetric,
  SelfTelemetry,
  decodeEntryText,
  decodeJsonText,
  refusedReasonOf,
  type EntryRejectedReason,
} from '../../core/index.js';
import { ReceiverTelemetry as FileLogTelemetry } from '../../receivers/kong_file_log/telemetry.js';
import { ReceiverTelemetry as HttpLogTelemetry } from '../../receivers/kong_http_log/telemetry.js';
import { ReceiverTelemetry as TcpLogTelemetry } from '../../receivers/kong_tcp_log/telemetry.js';
import { ReceiverTelemetry as UdpLogTelemetry } from '../../receivers/kong_udp_log/telemetry.js';
import { ReceiverTelemetry as OtlpTelemetry } from '../../receivers/otlp/telemetry.js';
import { ScrapeMetric } from '../../receivers/prometheus/telemetry.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** counter → reason values, as a README's `## Reasons` table lists them. */
function readmeReasons(receiver: string): Record<string, string[]> {
  const text = readFileSync(join(root, 'receivers', receiver, 'README.md'), 'utf8');
  const start = text.indexOf('\n## Reasons\n');
  expect(start, `receivers/${receiver}/README.md has a "## Reasons" section`).toBeGreaterThan(0);
  const end = text.indexOf('\n## ', start + 1);
  const out: Record<string, string[]> = {};
  for (const m of text.slice(start, end < 0 ? undefined : end).matchAll(/^\| `(kongtel_\w+)` \| `(\w+)` \|/gm)) {
    (out[m[1]] ??= []).push(m[2]);
  }
  return sorted(out);
}

/** counter → reason values, as the self-telemetry `/metrics` page shows them. */
function shownReasons(telemetry: SelfTelemetry): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of telemetry.renderPrometheus().matchAll(/^(\w+)\{[^}]*\breason="(\w+)"[^}]*\} /gm)) {
    (out[m[1]] ??= []).push(m[2]);
  }
  return sorted(out);
}

function sorted(r: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [...new Set(v)].sort()]));
}

const sort = (values: readonly string[]): string[] => [...values].sort();

describe('each receiver README lists exactly the reasons its /metrics shows', () => {
  it.each([
    { receiver: 'kong_http_log', make: (t: SelfTelemetry) => new HttpLogTelemetry(t, 'r') },
    { receiver: 'kong_tcp_log', make: (t: SelfTelemetry) => new TcpLogTelemetry(t, 'r') },
    { receiver: 'kong_udp_log', make: (t: SelfTelemetry) => new UdpLogTelemetry(t, 'r') },
    { receiver: 'kong_file_log', make: (t: SelfTelemetry) => new FileLogTelemetry(t, 'r') },
    { receiver: 'otlp', make: (t: SelfTelemetry) => new OtlpTelemetry(t, 'r') },
  ])('$receiver', ({ receiver, make }) => {
    const telemetry = new SelfTelemetry();
    make(telemetry);
    expect(readmeReasons(receiver)).toEqual(shownReasons(telemetry));
  });

  // The scrape counters are made per target on first use, so the README is held against the types' values.
  it('prometheus', () => {
    expect(readmeReasons('prometheus')).toEqual({
      [ScrapeMetric.failures]: sort(SCRAPE_FAILURE_REASONS),
      [SelfMetric.receiverRefusedMetricPoints]: sort(REFUSED_REASONS),
    });
  });

  it('the listeners’ reasons are in docs/connections.md', () => {
    const text = readFileSync(join(root, 'docs', 'connections.md'), 'utf8');
    for (const reason of [...CLOSED_REASONS, ...LISTENER_REFUSED_REASONS]) expect(text).toContain(`\`${reason}\``);
  });
});

describe('every reason value of core/reasons.ts is documented by a receiver', () => {
  const documented = new Set(
    ['kong_http_log', 'kong_tcp_log', 'kong_udp_log', 'kong_file_log', 'otlp', 'prometheus'].flatMap((r) => Object.values(readmeReasons(r)).flat()),
  );
  it.each([...REFUSED_REASONS, ...REJECTED_REASONS, ...REJECTED_POINT_REASONS, ...SCRAPE_FAILURE_REASONS])('%s', (reason) => {
    expect(documented.has(reason)).toBe(true);
  });
});

describe('the label is the failure’s reason field, whatever its message says', () => {
  const cases: { text: string; reason: EntryRejectedReason }[] = [
    { text: '{"request": ', reason: 'malformed_json' },
    { text: 'not a Kong log entry', reason: 'malformed_json' },
    { text: 'null', reason: 'not_an_object' },
    { text: '"not a Kong log entry (none of request…)"', reason: 'not_an_object' },
    { text: '[{"request": {}}]', reason: 'not_an_object' },
    { text: '{"foo": 1}', reason: 'not_a_kong_entry' },
  ];

  it.each(cases)('one line $text → $reason', ({ text, reason }) => {
    const d = decodeEntryText(text);
    expect(d.entry).toBeUndefined();
    expect(d).toMatchObject({ reason });
    const telemetry = new SelfTelemetry();
    const counters = new LogReceiverTelemetry(telemetry, 'r', REJECTED_REASONS);
    if (d.entry === undefined) counters.countRejected(d.reason);
    for (const r of REJECTED_REASONS) {
      expect(telemetry.value(SelfMetric.receiverRejectedLogRecords, { receiver: 'r', reason: r }), r).toBe(r === reason ? 1 : 0);
    }
  });

  // A body whose message once decided its label (it was read with startsWith): now the field decides.
  it.each([
    { body: '"text"', reason: 'not_an_object' },
    { body: '{"foo": 1}', reason: 'not_a_kong_entry' },
    { body: '{"foo": ', reason: 'malformed_json' },
  ])('a whole http-log body $body → $reason', ({ body, reason }) => {
    expect(decodeJsonText(body)).toMatchObject({ reason, message: expect.any(String) });
  });

  // Hostile text and values: every outcome is an entry or one of the decoder's reasons, counted once under it.
  it('any text decodes to an entry or a catalogued reason, counted under that label', () => {
    const decoderReasons: readonly string[] = ['malformed_json', 'not_an_object', 'not_a_kong_entry'] satisfies EntryRejectedReason[];
    const text = fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ request: v })));
    fc.assert(
      fc.property(text, (t) => {
        const d = decodeEntryText(t);
        if (d.entry !== undefined) return;
        expect(decoderReasons).toContain(d.reason);
        const telemetry = new SelfTelemetry();
        new LogReceiverTelemetry(telemetry, 'r', REJECTED_REASONS).countRejected(d.reason);
        expect(telemetry.sum(SelfMetric.receiverRejectedLogRecords)).toBe(1);
        expect(telemetry.value(SelfMetric.receiverRejectedLogRecords, { receiver: 'r', reason: d.reason })).toBe(1);
        const whole = decodeJsonText(t);
        if ('reason' in whole) expect(decoderReasons).toContain(whole.reason);
      }),
      { seed: DEFAULT_SEED, numRuns: 2000 },
    );
  });

  it('a refusal’s reason comes from the error’s class, never its message', () => {
    expect(refusedReasonOf(new BackPressureError('permanent'))).toBe('back_pressure');
    expect(refusedReasonOf(new PermanentError('back_pressure: retry'))).toBe('permanent');
    expect(refusedReasonOf(new Error('PermanentError'))).toBe('error');
    expect(refusedReasonOf('a string')).toBe('error');
  });

  it('no receiver or core decoder classifies by the text of a message', () => {
    // A message variable tested for words, or any string tested for a phrase (a literal with a space).
    const byText = [/\b(message|reason|detail|text)\.(startsWith|endsWith|includes|match|search)\(/, /\.(startsWith|endsWith|includes)\((['"`])[^'"`]* /];
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts')) {
          readFileSync(path, 'utf8')
            .split('\n')
            .forEach((line, i) => {
              if (byText.some((re) => re.test(line))) offenders.push(`${path.slice(root.length)}:${i + 1}: ${line.trim()}`);
            });
        }
      }
    };
    for (const dir of ['receivers', 'core/kong', 'core/net']) walk(join(root, dir));
    expect(offenders).toEqual([]);
  });
});
