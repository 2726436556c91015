import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { leaveWhileHeld } from '../../support/http_client.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSigned } from '../../support/tls.js';
import { SelfMetric } from '../../../core/index.js';
import { OtlpReceiver, otlpReceiverFactory } from '../../../receivers/otlp/index.js';
import { runningHost, testContext } from '../../support/context.js';
import { GatedConsumer } from '../../support/consumers.js';
import { encodeRequest } from '../../support/otlp/proto_decode.js';
import { send, startReceiver } from './client.js';
import { CapturingConsumer } from '../../support/consumers.js';
import { connectRefused } from '../../support/ports.js';

const ONE_POINT = encodeRequest({
  resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'kong.up', gauge: { dataPoints: [{ timeUnixNano: '1', asInt: '1' }] } }] }] }],
});

describe('otlp receiver lifecycle', () => {
  it('has no address before start, and names the key when the port is taken', async () => {
    const h = await startReceiver();
    try {
      const config = otlpReceiverFactory.configSchema.parse({ protocols: { http: { endpoint: `127.0.0.1:${h.port}` } } });
      const second = otlpReceiverFactory.create(config, testContext('otlp/second', 'receiver'), new CapturingConsumer());
      expect(second).toBeInstanceOf(OtlpReceiver);
      if (second instanceof OtlpReceiver) expect(() => second.address).toThrow('receivers.otlp/second.protocols.http: not listening');
      await expect(second.start(runningHost)).rejects.toThrow(
        `receivers.otlp/second.protocols.http.endpoint: cannot listen on 127.0.0.1:${h.port}: the port is in use`,
      );
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('shutdown lets a request in the pipeline finish with 200, then closes the port', async () => {
    const next = new GatedConsumer();
    const h = await startReceiver({}, { next });
    const reply = send(h.port, { body: ONE_POINT });
    await next.nextArrival();
    const stopped = h.receiver.shutdown();
    // a new connection is refused while the first request is still waiting for the pipeline
    expect(await connectRefused(h.port)).toBe(true);
    next.release();
    const answer = await reply;
    expect(answer.status).toBe(200);
    expect(answer.headers.connection).toBe('close');
    await stopped;
    expect(h.telemetry.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'otlp' })).toBe(1);
  });

  it('a client that leaves while the pipeline works: the points still count, nothing crashes', async () => {
    const next = new GatedConsumer();
    const h = await startReceiver({}, { next });
    try {
      await leaveWhileHeld(h.port, next, { path: '/v1/metrics', contentType: 'application/x-protobuf', body: ONE_POINT });
      expect(h.telemetry.value(SelfMetric.receiverAcceptedMetricPoints, { receiver: 'otlp' })).toBe(1);
      const again = send(h.port, { body: ONE_POINT });
      await next.nextArrival();
      next.release();
      expect((await again).status).toBe(200);
    } finally {
      next.release();
      await h.receiver.shutdown();
    }
  });
});

describe('otlp receiver over TLS', () => {
  let dir: string;
  let cert: string;
  let key: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kongtel-otlp-tls-'));
    ({ cert, key } = selfSigned(dir, 'server', '/CN=kongtel', 'IP:127.0.0.1'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves HTTPS with the configured certificate', async () => {
    const h = await startReceiver({ tls: { cert_file: cert, key_file: key } });
    try {
      const reply = await send(h.port, { body: ONE_POINT, tls: { ca: readFileSync(cert) } });
      expect(reply.status).toBe(200);
      expect(h.received()).toHaveLength(1);
    } finally {
      await h.receiver.shutdown();
    }
  });

  it('names the key and the file when a PEM file cannot be read', async () => {
    const config = otlpReceiverFactory.configSchema.parse({
      protocols: { http: { endpoint: '127.0.0.1:0', tls: { cert_file: cert, key_file: join(dir, 'missing.key') } } },
    });
    const receiver = otlpReceiverFactory.create(config, testContext('otlp', 'receiver'), new CapturingConsumer());
    await expect(receiver.start(runningHost)).rejects.toThrow(
      `receivers.otlp.protocols.http.tls.key_file: cannot read "${join(dir, 'missing.key')}" (ENOENT)`,
    );
  });
});
