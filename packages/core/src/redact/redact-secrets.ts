import { redactString } from '../health/redact.js';

/** What replaces a configured secret. */
export const REDACTED = '[redacted]';

/** Shortest configured secret replaced in free text; shorter ones would mangle ordinary words. */
const MIN_SECRET_LENGTH = 4;

/**
 * The forms a configured secret takes when a server or a library echoes it: as given, URL-encoded
 * (a query string, a URL's user info) and JSON-escaped (a header echoed inside a JSON body).
 * Longest first, so that a secret containing another is replaced whole.
 */
export function secretForms(secrets: Iterable<string | undefined>): string[] {
  const all = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
    all.add(s);
    all.add(encodeURIComponent(s));
    all.add(JSON.stringify(s).slice(1, -1));
  }
  return [...all].sort((a, b) => b.length - a.length);
}

/**
 * `text` without any of the configured `secrets` (API keys, header values, tokens, passwords, in
 * their plain, URL-encoded and JSON-escaped forms), then without the secret shapes every text loses
 * ({@link redactString}: URL passwords, bearer tokens, key-shaped words).
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  return redactString(replaceSecrets(text, secrets));
}

/** `text` with every configured secret (plain, URL-encoded, JSON-escaped) replaced by `mask`, and nothing else changed. */
export function replaceSecrets(text: string, secrets: Iterable<string | undefined>, mask = REDACTED): string {
  let out = text;
  for (const s of secretForms(secrets)) if (out.includes(s)) out = out.split(s).join(mask);
  return out;
}

/** The secret parts of a header value: the whole value and, for `Bearer x` / `Basic x`, the credential. */
export function headerSecrets(value: string): string[] {
  const credential = /^\s*[A-Za-z][\w-]*\s+(\S+)\s*$/.exec(value)?.[1];
  return credential ? [value, credential] : [value];
}
