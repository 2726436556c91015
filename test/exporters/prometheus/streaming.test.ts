import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { parseExposition } from '../../../receivers/prometheus/parser.js';
import { runningHost } from '../../helpers/context.js';
import { T0, batchOf, harness, samples, sum, type Harness } from './builders.js';
import { httpCall } from './http_client.js';

/**
 * `/metrics` larger than one chunk (64 KiB) streams out as it is rendered. These check what a scraper
 * reads: a valid page with exact values, plain or gzipped, and a consistent snapshot when series come
 * and go while the page is on its way.
 */

const started: Harness[] = [];
afterEach(async () => {
  for (const h of started.splice(0)) await h.exporter.shutdown();
});

const SERIES = 5000;
const ID = 'job="kongtel",instance="pod-1"';

async function serving(): Promise<Harness> {
  const h = harness({ without_scope_info: true });
  await h.exporter.start(runningHost);
  started.push(h);
  const points = Array.from({ length: SERIES }, (_, i) => ({ attrs: { route: `route-${i}`, pad: 'x'.repeat(40) }, value: i * 1.5 }));
  await h.exporter.consume(batchOf(sum('requests', '', points)));
  return h;
}

/** Sample lines of one family, by label text → value; fails on a duplicate series. */
function values(page: string, family: string): Map<string, number> {
  const parsed = parseExposition(page);
  expect(parsed.errors).toEqual([]);
  const out = new Map<string, number>();
  for (const f of parsed.families.filter((x) => x.name === family)) {
    for (const s of f.samples) {
      const key = s.labels.join('\u0000');
      expect(out.has(key), `duplicate series ${key}`).toBe(false);
      out.set(key, s.value);
    }
  }
  return out;
}

/** Labels are written sorted by name, then job and instance. */
const key = (route: string): string => ['pad', 'x'.repeat(40), 'route', route, 'job', 'kongtel', 'instance', 'pod-1'].join('\u0000');

function expectExact(page: string): void {
  const got = values(page, 'requests_total');
  expect(got.size).toBe(SERIES);
  for (let i = 0; i < SERIES; i++) {
    expect(got.get(key(`route-${i}`))).toBe(i * 1.5);
  }
}

describe('/metrics streams pages larger than one chunk', () => {
  it('plain: chunked transfer, no Content-Length, a valid page with every value exact', async () => {
    const { exporter } = await serving();
    const reply = await httpCall(exporter.address.port, '/metrics');
    expect(reply.status).toBe(200);
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    expect(reply.headers['content-length']).toBeUndefined();
    const page = reply.body.toString('utf8');
    expect(page.length).toBeGreaterThan(3 * 64 * 1024);
    expectExact(page);
    expect(page).toBe(exporter.scrape());
  });

  it('gzip: compressed as a stream, the same page once inflated', async () => {
    const { exporter } = await serving();
    const reply = await httpCall(exporter.address.port, '/metrics', 'GET', { 'Accept-Encoding': 'gzip' });
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(reply.headers['transfer-encoding']).toBe('chunked');
    const page = gunzipSync(reply.body).toString('utf8');
    expectExact(page);
    expect(reply.body.length).toBeLessThan(page.length / 5);
  });

  it('a series created while the page streams out waits for the next scrape; one removed meanwhile is left out', async () => {
    const { exporter } = await serving();
    const chunks = await exporter.page();
    const first = chunks.next();
    expect(first.done).toBe(false);
    // Mid-scrape: a new series in the family being written, a new family sorted before and after it,
    // a series ended and started again under the same labels, and an update of one not yet written.
    const later = T0 + 1000;
    await exporter.consume(
      batchOf(
        sum('requests', '', [
          { attrs: { route: 'new', pad: '' }, value: 1, at: later },
          { attrs: { route: `route-${SERIES - 2}`, pad: 'x'.repeat(40) }, value: 0, noRecordedValue: true, at: later },
          { attrs: { route: `route-${SERIES - 1}`, pad: 'x'.repeat(40) }, value: 99_999, at: later },
        ]),
        sum('aaa', '', [{ value: 1 }]),
        sum('zzz', '', [{ value: 1 }]),
      ),
    );
    await exporter.consume(batchOf(sum('requests', '', [{ attrs: { route: `route-${SERIES - 2}`, pad: 'x'.repeat(40) }, value: 7, at: later + 1 }])));
    let page = first.done ? '' : first.value;
    for (let r = chunks.next(); !r.done; r = chunks.next()) page += r.value;

    const got = values(page, 'requests_total');
    expect(got.size).toBe(SERIES - 1);
    expect(got.has(key(`route-${SERIES - 2}`))).toBe(false);
    expect(got.get(key(`route-${SERIES - 1}`))).toBe(99_999);
    expect(page).not.toContain('route="new"');
    expect(page).not.toMatch(/^(aaa|zzz)_total/m);

    const next = exporter.scrape();
    expect(values(next, 'requests_total').size).toBe(SERIES + 1);
    expect(samples(next)).toContain(`aaa_total{${ID}} 1`);
    expect(samples(next)).toContain(`requests_total{pad="${'x'.repeat(40)}",route="route-${SERIES - 2}",${ID}} 7`);
  });

  it('a scraper that hangs up mid-page does not disturb the next scrape', async () => {
    const { exporter } = await serving();
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: exporter.address.port, path: '/metrics', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end();
    });
    const reply = await httpCall(exporter.address.port, '/metrics');
    expect(reply.status).toBe(200);
    expectExact(reply.body.toString('utf8'));
  });
});
