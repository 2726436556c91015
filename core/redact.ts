/**
 * The one place that decides what a secret looks like, for everything kongtel shows: `print-config`, log
 * lines and error texts. Secrets are values under keys named like a credential, header values, values
 * that came from `${env:…}` (print-config knows those paths), and credentials written into a URL
 * (userinfo, and query parameters named like a credential).
 */

export const REDACTED = '[REDACTED]';

/** Words that name a credential when they end a key: `bearer_token`, `password`, `Proxy-Authorization`. */
const SECRET_LAST_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'authorization', 'cookie', 'credential', 'credentials', 'apikey']);
/** `key` names a credential only after one of these: `api_key`, `X-Api-Key`, `private_key`, `accessKey`. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'auth', 'client', 'signing', 'license']);

/**
 * The key's last word decides, so `token_usage_as`, `key_file` and `max_tokens` stay visible while
 * `bearer_token`, `api-key`, `DD-API-KEY` and `clientSecret` do not.
 */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (SECRET_LAST_WORDS.has(last)) return true;
  return last === 'key' && words.length > 1 && KEY_QUALIFIERS.has(words[words.length - 2]);
}

/**
 * `scheme://userinfo@` — the authority runs to the first `/ ? #` (as a URL parser reads it) and the
 * userinfo to its last `@`. Quotes, backslashes and `<>` end it too, so a URL inside JSON or a sentence is
 * cut where it ends. The whole userinfo goes, not only the password (Go's `URL.Redacted()` keeps the
 * user): a token is often written as the user alone (`https://TOKEN@host`).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>\\]*@/gi;
const QUERY_PARAM = /([?&])([^=&#\s"'<>\\]+)=([^&#\s"'<>\\]*)/g;

/** Every URL in `text` with its userinfo and credential-named query values replaced. */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text
    .replace(URL_USERINFO, `$1${REDACTED}@`)
    .replace(QUERY_PARAM, (whole, sep: string, name: string) => (isSecretKey(safeDecode(name)) ? `${sep}${name}=${REDACTED}` : whole));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A config tree as print-config shows it: values from `${env:…}` (by key path), values under secret keys,
 * header values, and URL credentials are redacted; keys stay, so the shape is still visible.
 */
export function redactConfig(tree: unknown, fromEnv: ReadonlySet<string>, path = ''): unknown {
  if (path !== '' && fromEnv.has(path)) return REDACTED;
  if (typeof tree === 'string') return redactUrls(tree);
  if (Array.isArray(tree)) return tree.map((v, i) => redactConfig(v, fromEnv, `${path}[${i}]`));
  if (isPlainObject(tree)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tree)) {
      const childPath = path ? `${path}.${k}` : k;
      const shown = isSecretKey(k) && isScalar(v) ? REDACTED : k === 'headers' ? headerNamesOnly(v) : redactConfig(v, fromEnv, childPath);
      defineKey(out, k, shown);
    }
    return out;
  }
  return tree;
}

/**
 * A value about to be logged: the same rules as print-config, without key paths. An Error is copied with
 * its message and stack redacted, and stays an Error so pino's serializer prints it as usual.
 */
export function redactForLog(value: unknown, seen = new Set<object>()): unknown {
  if (typeof value === 'string') return redactUrls(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof URL) return redactUrls(value.href);
  if (seen.has(value) || seen.size > 1000) return '[circular or too deep]';
  seen.add(value);
  if (value instanceof Error) {
    const copy: NodeJS.ErrnoException = new Error(redactUrls(value.message));
    copy.name = value.name;
    copy.stack = redactUrls(value.stack ?? '');
    const code = (value as NodeJS.ErrnoException).code;
    if (code !== undefined) copy.code = code;
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => redactForLog(v, seen));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    defineKey(out, k, isSecretKey(k) && isScalar(v) ? REDACTED : k === 'headers' ? headerNamesOnly(v) : redactForLog(v, seen));
  }
  return out;
}

/** Header maps carry credentials under any name (`X-Api-Key`, `DD-API-KEY`…): show names, never values. */
function headerNamesOnly(headers: unknown): unknown {
  if (!isPlainObject(headers)) return headers;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(headers)) defineKey(out, k, REDACTED);
  return out;
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A key named `__proto__` (YAML allows it) stays a key instead of replacing the object's prototype. */
export function defineKey(out: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}
