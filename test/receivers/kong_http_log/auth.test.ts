import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfMetric } from '../../../core/index.js';
import { AUTH, AUTH_CASES, CHALLENGES, authorizationHeaders, type AuthCase } from '../../helpers/auth_cases.js';
import { send, startReceiver, type Harness } from './client.js';

const entry = '{"request":{"method":"GET"},"response":{"status":200}}';
const basic = (userinfo: string): string => `Basic ${Buffer.from(userinfo, 'utf8').toString('base64')}`;

/** The Authorization header Kong's http-log builds from the userinfo of `http_endpoint`, as written. */
function kongBasicHeader(httpEndpoint: string): string {
  const url = new URL(httpEndpoint);
  return basic(`${url.username}:${url.password}`);
}

interface Case {
  readonly name: string;
  readonly authorization?: string;
  readonly status: 200 | 401;
}

const BEARER_CHALLENGE = 'Bearer realm="kongtel"';
const BASIC_CHALLENGE = 'Basic realm="kongtel", charset="UTF-8"';

describe.each([
  {
    auth: { bearer_token: 's3cret-token' },
    challenges: [BEARER_CHALLENGE],
    cases: [
      { name: 'right token', authorization: 'Bearer s3cret-token', status: 200 },
      { name: 'scheme in lower case', authorization: 'bearer s3cret-token', status: 200 },
      { name: 'wrong token', authorization: 'Bearer s3cret-tokeN', status: 401 },
      { name: 'token prefix', authorization: 'Bearer s3cret', status: 401 },
      { name: 'no header', status: 401 },
      { name: 'empty header', authorization: '', status: 401 },
      { name: 'scheme only', authorization: 'Bearer', status: 401 },
      { name: 'basic when only bearer is set', authorization: basic('kong:s3cret-token'), status: 401 },
    ] satisfies Case[],
  },
  {
    auth: { basic: { username: 'kong', password: 'p@ss:w0rd' } },
    challenges: [BASIC_CHALLENGE],
    cases: [
      { name: 'right user and password', authorization: basic('kong:p@ss:w0rd'), status: 200 },
      {
        name: 'as Kong sends URL userinfo (percent-escapes kept)',
        authorization: kongBasicHeader('http://kong:p%40ss%3Aw0rd@kongtel:8080/'),
        status: 200,
      },
      { name: 'wrong password', authorization: basic('kong:p@ss:w0rD'), status: 401 },
      { name: 'wrong user', authorization: basic('kang:p@ss:w0rd'), status: 401 },
      { name: 'not base64', authorization: 'Basic %%%', status: 401 },
      { name: 'bearer when only basic is set', authorization: 'Bearer p@ss:w0rd', status: 401 },
      { name: 'no header', status: 401 },
    ] satisfies Case[],
  },
  {
    auth: { bearer_token: 't0ken', basic: { username: 'kong', password: 'pw' } },
    challenges: [BEARER_CHALLENGE, BASIC_CHALLENGE],
    cases: [
      { name: 'bearer', authorization: 'Bearer t0ken', status: 200 },
      { name: 'basic', authorization: kongBasicHeader('https://kong:pw@kongtel/'), status: 200 },
      { name: 'neither', authorization: 'Bearer pw', status: 401 },
    ] satisfies Case[],
  },
])('kong_http_log auth $auth', ({ auth, challenges, cases }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver({ auth });
  });
  afterAll(() => h.receiver.shutdown());

  it.each(cases)('$name → $status', async (c: Case) => {
    const before = h.entriesDelivered();
    const reply = await send(h.port, {
      body: entry,
      headers: c.authorization === undefined ? {} : { authorization: c.authorization },
    });
    expect(reply.status).toBe(c.status);
    expect(h.entriesDelivered() - before).toBe(c.status === 200 ? 1 : 0);
    if (c.status === 401) {
      const challenge = reply.headers['www-authenticate'];
      expect(challenge).toEqual(challenges.length === 1 ? challenges[0] : challenges.join(', '));
    }
  });

  it('checks credentials before anything else about the request', async () => {
    const reply = await send(h.port, { body: 'not json', headers: { 'content-type': 'text/plain' } });
    expect(reply.status).toBe(401);
    expect(h.telemetry.value(SelfMetric.receiverRequests, { receiver: 'kong_http_log', code: '401' })).toBe(
      cases.filter((c: Case) => c.status === 401).length + 1,
    );
  });
});

describe('kong_http_log auth: strict parsing (RFC 7617, RFC 4648) and one header', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startReceiver({ auth: AUTH, path: '/kong' });
  });
  afterAll(() => h.receiver.shutdown());

  it.each(AUTH_CASES)('$name → ok: $ok', async (c: AuthCase) => {
    const before = h.entriesDelivered();
    const reply = await send(h.port, { path: '/kong', body: entry, headers: authorizationHeaders(c) });
    expect(reply.status).toBe(c.ok ? 200 : 401);
    expect(h.entriesDelivered() - before).toBe(c.ok ? 1 : 0);
    if (!c.ok) expect(reply.headers['www-authenticate']).toBe(CHALLENGES);
  });

  it.each([
    { name: 'another path', method: 'POST', path: '/', status: 404 },
    { name: 'another method', method: 'GET', path: '/kong', status: 405 },
    { name: 'another path and method', method: 'DELETE', path: '/admin', status: 404 },
  ])('$name: 401 without credentials (the path stays secret), $status with them', async ({ method, path, status }) => {
    expect((await send(h.port, { method, path, body: entry })).status).toBe(401);
    expect((await send(h.port, { method, path, body: entry, headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    expect((await send(h.port, { method, path, body: entry, headers: { authorization: 'Bearer s3cret-token' } })).status).toBe(status);
  });
});
