import { redactSecrets as redactConfigured, scrubError } from '@rampart/core';
import { headerSecrets, isSecretParamName } from '@rampart/core/internal';

/** Key-shaped tokens (`sk-…`, `sk-ant-…`, `sk-proj-****abcd`) that providers sometimes echo in error messages. */
const KEY_SHAPED = /\b(?:sk|rk|pk)-[A-Za-z0-9_*.-]{4,}/g;

const redactKeyShaped = (text: string) => text.replace(KEY_SHAPED, '[redacted]');

/** Replace every configured secret (key, header values) and every key-shaped token in `text` with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return redactKeyShaped(redactConfigured(text, secrets));
}

/**
 * Scrub secrets in place from an SDK error kept as `cause`: its message, stack, the parsed error body
 * (`error`), response headers and its own causes, where providers echo (partial) keys and header values.
 */
export function scrubErrorMessage(err: unknown, secrets: readonly string[]): void {
  scrubError(err, secrets, redactKeyShaped);
}

/**
 * The secrets of a provider's configuration: its API key, every header value (and a `Bearer x`
 * credential) and the values of secret query parameters of its baseURL (`?api-key=…`).
 */
export function providerSecrets(apiKey: string, headers: Readonly<Record<string, string>> | undefined, baseURL?: string): string[] {
  const query = baseURL === undefined ? [] : [...new URL(baseURL).searchParams].filter(([name]) => isSecretParamName(name)).map(([, value]) => value);
  return [apiKey, ...Object.values(headers ?? {}).flatMap(headerSecrets), ...query];
}
