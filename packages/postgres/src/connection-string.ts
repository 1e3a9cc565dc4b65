import { ConfigError } from '@rampart/core';
import { replaceSecrets } from '@rampart/core/internal';

const SCHEMES: ReadonlySet<string> = new Set(['postgres:', 'postgresql:', 'socket:']);
const MASK = '***';

/**
 * Hide the password of a connection string: `postgres://app:s3cret@db/x` →
 * `postgres://app:***@db/x`; `password=` query parameters too. Works on strings that are not
 * valid URLs as well (pattern-based), so it is safe on anything that looks like one.
 */
export function redactConnectionString(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@\s]*@/gi, `$1${MASK}@`)
    .replace(/([?&;\s]password=)[^&\s]*/gi, `$1${MASK}`);
}

/** Replace every occurrence of the given secrets (passwords) in `text`, then redact URLs. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  return redactConnectionString(replaceSecrets(text, secrets, MASK));
}

/** The password of a connection string, if any (to redact it from driver messages). */
export function connectionStringPassword(connectionString: string): string | undefined {
  try {
    const url = new URL(connectionString);
    const fromQuery = url.searchParams.get('password');
    return (url.password ? decodeURIComponent(url.password) : undefined) ?? fromQuery ?? undefined;
  } catch {
    return undefined;
  }
}

/** Where a connection string points, without credentials: `db.internal:5432/orders`. */
export function describeConnectionString(connectionString: string): string {
  const url = new URL(connectionString);
  const host = url.hostname || url.searchParams.get('host') || 'localhost';
  return `${host}:${url.port || '5432'}${url.pathname || '/'}`.replace(/\/$/, '');
}

/**
 * Validate a PostgreSQL connection URL (`postgres://`, `postgresql://` or `socket:`). Throws
 * {@link ConfigError} naming `path`; the error's message and value carry the redacted string only.
 */
export function validateConnectionString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(path, 'must be a non-empty postgres:// URL', typeof value === 'string' ? value : typeof value);
  }
  const shown = redactConnectionString(value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // the URL parser's error carries the input (with its password): do not chain it
    throw new ConfigError(path, `is not a valid URL: "${shown}" (expected postgres://user:password@host:5432/database)`, shown);
  }
  if (!SCHEMES.has(url.protocol)) {
    // an unknown scheme may not be a URL at all (`user:password@host`): show only the scheme
    throw new ConfigError(path, `must start with postgres://, postgresql:// or socket:, got "${url.protocol}…"`, `${url.protocol}…`);
  }
  if (url.protocol !== 'socket:' && url.hostname === '' && !url.searchParams.get('host')) {
    throw new ConfigError(path, `names no host: "${shown}"`, shown);
  }
  return value;
}
