import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Receiver authentication shared by every HTTP receiver (kong_http_log, otlp): a bearer token and/or
 * basic credentials, checked in constant time.
 */
export const authSchema = z
  .strictObject({
    bearer_token: z.string().min(1, 'must not be empty (the token clients send as "Authorization: Bearer <token>")').optional(),
    basic: z
      .strictObject({
        username: z.string().min(1, 'must not be empty (with Kong: the user part of the userinfo in http_endpoint)'),
        password: z.string().min(1, 'must not be empty (with Kong: the password part of the userinfo in http_endpoint)'),
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

/** Checks the `Authorization` header against the configured bearer token and/or basic credentials. */
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

  isAuthorized(header: string | undefined): boolean {
    if (header === undefined) return false;
    const space = header.indexOf(' ');
    if (space < 0) return false;
    const scheme = header.slice(0, space).toLowerCase();
    const credentials = header.slice(space + 1).trim();
    if (scheme === 'bearer') return matches(credentials, this.bearerHash);
    if (scheme !== 'basic' || this.basicHash === undefined) return false;
    const userinfo = Buffer.from(credentials, 'base64').toString('utf8');
    // Kong base64-encodes the userinfo of `http_endpoint` exactly as written, percent-escapes included
    // (`user:p%40ss`), so a password with URL-reserved characters must also match once decoded. Both
    // comparisons always run, so timing does not reveal which form was sent.
    const raw = matches(userinfo, this.basicHash);
    const decoded = matches(percentDecoded(userinfo), this.basicHash);
    return raw || decoded;
  }
}
