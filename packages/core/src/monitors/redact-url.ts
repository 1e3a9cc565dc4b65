/** What replaces a secret in a redacted URL. */
export const REDACTED = '***';

/**
 * Query parameter names whose values are secrets: `key`, `token`, `secret`, `password`, `api_key`,
 * and the common spellings around them (`apikey`, `access_token`, `client_secret`, `x-api-key`,
 * `X-Amz-Signature`, `passwd`, `pwd`, `auth`, `credential`). Case-insensitive.
 */
const SECRET_PARAM =
  /^(?:.*[-_.])?(?:key|apikey|token|secret|password|passwd|pwd|auth|signature|sig|credentials?)$/i;

/** True when a query parameter with this name carries a secret (see {@link redactUrl}). */
export function isSecretParamName(name: string): boolean {
  return SECRET_PARAM.test(name);
}

/**
 * A copy of `url` safe for logs, errors and health reports: user name and password
 * (`https://user:pass@host`, `postgres://app:pw@db/x`) and the values of secret query parameters
 * (`?api_key=…&token=…`) become `***`. Everything else is kept. A string that does not parse as a
 * URL may still hold a secret, so it comes back as `[unparseable url]`.
 */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return '[unparseable url]';
  }
  if (parsed.username) parsed.username = REDACTED;
  if (parsed.password) parsed.password = REDACTED;
  if (parsed.search) {
    const entries = [...parsed.searchParams];
    if (entries.some(([name]) => isSecretParamName(name))) {
      const safe = entries.map(([name, value]): [string, string] => [name, isSecretParamName(name) ? REDACTED : value]);
      parsed.search = new URLSearchParams(safe).toString();
    }
  }
  return parsed.href;
}

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * Redact every URL found inside free text (an error message that quotes a connection string, for
 * example) with {@link redactUrl}.
 */
export function redactUrlsInText(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => redactUrl(match));
}
