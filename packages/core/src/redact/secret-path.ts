/** A path segment whose value is a secret (`apiKey`, `password`, `accessToken`, `authorization`…). */
const SECRET_SEGMENT = /(password|passwd|passphrase|secret|token|api[-_]?key|authori[sz]ation|cookie|credentials?|private[-_]?key)$/i;
/** Segments whose every entry is a secret: header values and environment variables. */
const SECRET_CONTAINER = /^(headers|env|auth)$/i;

/**
 * True when an option path names a secret: a segment such as `apiKey`, `password`, `token`,
 * `accessToken`, `authorization`, `cookie`, `credentials`, or anything under `headers`, `env` or
 * `auth` (`providers[0].headers.x-custom`). `maxTokens` and `tokenRequired` are not secrets.
 */
export function isSecretPath(path: string): boolean {
  return path
    .split(/[.[\]]+/)
    .filter(Boolean)
    .some((segment) => SECRET_CONTAINER.test(segment) || SECRET_SEGMENT.test(segment));
}

/**
 * A copy of `value` fit for an error: fields under secret paths (see {@link isSecretPath}) become
 * `[redacted]`, strings pass through `redactString`. Plain objects and arrays are copied (to a bounded
 * depth, cycles cut); anything else (a number, a function, an instance) is kept as it is.
 */
export function redactSecretFields(value: unknown, redactString: (s: string) => string, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  const proto = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  if (seen.has(value) || depth > 6) return '[…]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactSecretFields(v, redactString, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretPath(k) ? '[redacted]' : redactSecretFields(v, redactString, depth + 1, seen);
  return out;
}
