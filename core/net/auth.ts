import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';

/**
 * Authentication shared by every HTTP listener (kong_http_log, otlp, the prometheus exporter, the
 * self-telemetry port): a bearer token and/or basic credentials, checked in constant time.
 */

/** RFC 5234 CTL: RFC 7617 forbids them in user-id and password. */
const CONTROL = /[\u0000-\u001f\u007f]/;

export const authSchema = z
  .strictObject({
    bearer_token: z
      .string()
      .min(1, 'must not be empty (the token clients send as "Authorization: Bearer <token>")')
      .refine((t) => !/\s/.test(t), 'must not contain spaces or other whitespace: clients send it as one word after "Bearer "')
      .optional(),
    basic: z
      .strictObject({
        username: z
          .string()
          .min(1, 'must not be empty (with Kong: the user part of the userinfo in http_endpoint)')
          .refine((u) => !u.includes(':'), 'must not contain ":" (RFC 7617: the first ":" separates user and password)')
          .refine((u) => !CONTROL.test(u), 'must not contain control characters (RFC 7617)'),
        password: z
          .string()
          .min(1, 'must not be empty (with Kong: the password part of the userinfo in http_endpoint)')
          .refine((p) => !CONTROL.test(p), 'must not contain control characters (RFC 7617)'),
      })
      .optional(),
  })
  .refine((a) => a.bearer_token !== undefined || a.basic !== undefined, {
    message: 'set bearer_token, basic { username, password }, or both; remove `auth` to accept unauthenticated requests',
  });

export type AuthConfig = z.infer<typeof authSchema>;

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Hashing both sides first gives equal-length buffers, so `timingSafeEqual` never throws and the time
 * taken tells nothing about the secret's length or its common prefix with a guess.
 */
function matches(presented: string, expectedHash: Buffer | undefined): boolean {
  return expectedHash !== undefined && timingSafeEqual(sha256(presented), expectedHash);
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** RFC 7235 `credentials = auth-scheme 1*SP token68`: one scheme, one word of credentials. */
const CREDENTIALS = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +(\S+)$/;
/** RFC 4648 §4 base64 with its padding: whole 4-character groups, `=` only at the end. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * RFC 7617 user-pass from token68, or undefined when it is not exactly that: valid base64 whose unused
 * bits are zero (RFC 4648 §3.5; Node's decoder would skip stray characters instead), valid UTF-8, a ":"
 * (the first one ends the user-id; the password may hold more) and no control characters.
 */
export function decodeBasicCredentials(token68: string): { user: string; password: string } | undefined {
  if (!BASE64.test(token68)) return undefined;
  const bytes = Buffer.from(token68, 'base64');
  if (bytes.toString('base64') !== token68) return undefined;
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0 || CONTROL.test(text)) return undefined;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** Checks a request's `Authorization` header against the configured bearer token and/or basic credentials. */
export class Authenticator {
  /** One challenge per accepted scheme, sent as `WWW-Authenticate` with every 401. */
  readonly challenges: string[] = [];
  private readonly bearerHash: Buffer | undefined;
  private readonly basicHash: Buffer | undefined;

  constructor(auth: AuthConfig) {
    if (auth.bearer_token !== undefined) {
      this.bearerHash = sha256(auth.bearer_token);
      this.challenges.push('Bearer realm="kongtel"');
    }
    if (auth.basic !== undefined) {
      this.basicHash = sha256(`${auth.basic.username}:${auth.basic.password}`);
      this.challenges.push('Basic realm="kongtel", charset="UTF-8"');
    }
  }

  /**
   * True only for exactly one `Authorization` header with the right credentials. Two headers are refused
   * (401, like any unauthenticated request) rather than one picked: a proxy in front may have checked the
   * other one, and Node itself would silently keep the first.
   */
  authorizes(req: IncomingMessage): boolean {
    const values = req.headersDistinct.authorization;
    return values !== undefined && values.length === 1 && this.isAuthorized(values[0]);
  }

  /** One `Authorization` header value. */
  isAuthorized(header: string): boolean {
    const m = CREDENTIALS.exec(header);
    if (m === null) return false;
    const scheme = m[1].toLowerCase();
    const credentials = m[2];
    if (scheme === 'bearer') return matches(credentials, this.bearerHash);
    if (scheme !== 'basic' || this.basicHash === undefined) return false;
    const presented = decodeBasicCredentials(credentials);
    if (presented === undefined) return false;
    // Kong base64-encodes the userinfo of `http_endpoint` exactly as written, percent-escapes included
    // (`user:p%40ss`), so a password with URL-reserved characters must also match once decoded. Both
    // comparisons always run, so timing does not reveal which form was sent.
    const user = percentDecoded(presented.user);
    const raw = matches(`${presented.user}:${presented.password}`, this.basicHash);
    const decoded = !user.includes(':') && matches(`${user}:${percentDecoded(presented.password)}`, this.basicHash);
    return raw || decoded;
  }
}

const UNAUTHORIZED_TEXT = 'missing or wrong credentials (send exactly one Authorization header)\n';

/**
 * For the plain-text listeners (/metrics of the prometheus exporter and of self-telemetry): answers 401
 * with the challenges and returns true unless `auth` is off or the request carries the credentials.
 */
export function answeredUnauthorized(auth: Authenticator | undefined, req: IncomingMessage, res: ServerResponse): boolean {
  if (auth === undefined || auth.authorizes(req)) return false;
  res.statusCode = 401;
  res.setHeader('WWW-Authenticate', auth.challenges);
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(UNAUTHORIZED_TEXT));
  res.end(UNAUTHORIZED_TEXT);
  return true;
}
