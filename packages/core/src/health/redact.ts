const SECRET_KEY = /pass(word|wd|phrase)?$|secret|token|api[-_]?key|apikey|authori[sz]ation|cookie|credential|private[-_]?key|^auth$|signature|session/i;
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

/** Replace secrets inside a string: passwords in URLs and key/value connection strings, bearer tokens, common API key shapes. */
export function redactString(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):(?!\*\*\*@)([^\s@/]+)@/gi, (_m, scheme: string, user: string) => `${scheme}${user}:${REDACTED}@`)
    .replace(/\b(bearer|basic)\s+[a-z0-9._~+/=-]{8,}/gi, (_m, kind: string) => `${kind} ${REDACTED}`)
    .replace(/\b(sk|pk|rk|xox[abpr]|ghp|gho|github_pat|AKIA)[-_][a-z0-9_-]{12,}/gi, REDACTED)
    .replace(/([?&](?:api[-_]?key|key|token|access_token|password|secret|sig|signature)=)[^&\s#]+/gi, `$1${REDACTED}`)
    // libpq key/value connection strings: `host=db password=s3cr3t` or `password='s 3'`
    .replace(/(^|[\s;])(password|passwd)\s*=\s*(?!\[redacted\])('(?:[^'\\]|\\.)*'|[^\s;&]+)/gi, `$1$2=${REDACTED}`);
}

function redactValue(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (seen.has(value) || depth > MAX_DEPTH) return '[…]';
  seen.add(value);
  if (value instanceof Error) return redactString(value.message);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k)) out[k] = REDACTED;
    else {
      const r = redactValue(v, depth + 1, seen);
      if (r !== undefined) out[k] = r;
    }
  }
  return out;
}

/**
 * A copy of `details` fit for a report or a log line: values under secret-looking keys
 * (password, token, apiKey, authorization, cookie, secret…) become "[redacted]", and strings lose
 * URL passwords, bearer tokens and API-key-shaped words. Functions are dropped, errors become their
 * (redacted) message, cycles and deep nesting are cut.
 */
export function redactDetails(details: Record<string, unknown>): Record<string, unknown> {
  return redactValue(details, 0, new WeakSet()) as Record<string, unknown>;
}
