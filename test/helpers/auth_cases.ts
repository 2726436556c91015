import type http from 'node:http';

/**
 * One table of Authorization headers for every listener with `auth` (kong_http_log, otlp, the prometheus
 * exporter, the self-telemetry port), all configured with AUTH: what passes and what is refused.
 */

export const AUTH = { bearer_token: 's3cret-token', basic: { username: 'kong', password: 'p@ss:w0rd~~' } } as const;

export const CHALLENGES = 'Bearer realm="kongtel", Basic realm="kongtel", charset="UTF-8"';

export interface AuthCase {
  readonly name: string;
  /** One header value, several (sent as that many header lines), or none. */
  readonly authorization?: string | readonly string[];
  readonly ok: boolean;
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
/** `a29uZzpwQHNzOncwcmR+fg==`: a `+` and two `=`, so the alphabet and the padding rules are both tested. */
const RIGHT = b64('kong:p@ss:w0rd~~');
const RIGHT_BASIC = `Basic ${RIGHT}`;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same bytes to Node's decoder, but the unused low bits of the last character set (RFC 4648 §3.5). */
function withUnusedBitsSet(base64: string): string {
  const at = base64.search(/.=+$/);
  return base64.slice(0, at) + ALPHABET[ALPHABET.indexOf(base64[at]) | 1] + base64.slice(at + 1);
}

export const AUTH_CASES: readonly AuthCase[] = [
  { name: 'the token', authorization: 'Bearer s3cret-token', ok: true },
  { name: 'the token, scheme in lower case', authorization: 'bearer s3cret-token', ok: true },
  { name: 'basic user and password', authorization: RIGHT_BASIC, ok: true },
  { name: 'basic, percent-escaped as Kong sends URL userinfo', authorization: `Basic ${b64('kong:p%40ss%3Aw0rd~~')}`, ok: true },
  { name: 'no header', ok: false },
  { name: 'an empty header', authorization: '', ok: false },
  { name: 'a scheme alone', authorization: 'Bearer', ok: false },
  { name: 'a wrong token', authorization: 'Bearer s3cret-tokeN', ok: false },
  { name: 'a prefix of the token', authorization: 'Bearer s3cret', ok: false },
  { name: 'the token with a word after it', authorization: 'Bearer s3cret-token x', ok: false },
  { name: 'a wrong password', authorization: `Basic ${b64('kong:p@ss:w0rD')}`, ok: false },
  { name: 'the user and password in the bearer scheme', authorization: 'Bearer kong:p@ss:w0rd~~', ok: false },
  { name: 'no colon between user and password', authorization: `Basic ${b64('kongp@ssw0rd~~')}`, ok: false },
  { name: 'no user', authorization: `Basic ${b64(':p@ss:w0rd~~')}`, ok: false },
  { name: 'the first colon inside the user', authorization: `Basic ${b64('kong:p@ss:w0rd~~'.replace('kong:p@ss:', 'kong%3Ap@ss:'))}`, ok: false },
  // Node's base64 decoder skips what is not base64 and accepts missing padding; RFC 4648 does not.
  { name: 'basic with a stray character', authorization: `Basic !${RIGHT}`, ok: false },
  { name: 'basic with a stray character inside', authorization: `Basic ${RIGHT.slice(0, 4)}.${RIGHT.slice(4)}`, ok: false },
  { name: 'basic with a space inside', authorization: `Basic ${RIGHT.slice(0, 4)} ${RIGHT.slice(4)}`, ok: false },
  { name: 'basic without its padding', authorization: `Basic ${RIGHT.replace(/=+$/, '')}`, ok: false },
  { name: 'basic with one = missing', authorization: `Basic ${RIGHT.slice(0, -1)}`, ok: false },
  { name: 'basic with padding too much', authorization: `${RIGHT_BASIC}==`, ok: false },
  { name: 'basic with = in the middle', authorization: `Basic ${RIGHT.slice(0, 8)}=${RIGHT.slice(9)}`, ok: false },
  { name: 'basic with non-zero unused bits', authorization: `Basic ${withUnusedBitsSet(RIGHT)}`, ok: false },
  { name: 'basic in the base64url alphabet', authorization: `Basic ${RIGHT.replace('+', '-')}`, ok: false },
  { name: 'basic that is no UTF-8', authorization: `Basic ${Buffer.from([0x6b, 0x6f, 0x6e, 0x67, 0x3a, 0xff]).toString('base64')}`, ok: false },
  { name: 'basic with a control character', authorization: `Basic ${b64('kong:p@ss:w0rd~~\u0000')}`, ok: false },
  { name: 'two headers, both right', authorization: ['Bearer s3cret-token', 'Bearer s3cret-token'], ok: false },
  { name: 'two headers, the right one first', authorization: [RIGHT_BASIC, 'Bearer nope'], ok: false },
  { name: 'two headers, the right one last', authorization: ['Bearer nope', RIGHT_BASIC], ok: false },
];

/** The case's header(s) for http.request; an array goes out as that many `Authorization` lines. */
export function authorizationHeaders(c: AuthCase): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = {};
  // Node's typing allows a single value for the known `authorization` key; the capitalised name takes an array.
  if (c.authorization !== undefined) headers.Authorization = typeof c.authorization === 'string' ? c.authorization : [...c.authorization];
  return headers;
}
