import { replaceSecrets } from '@rampart/core/internal';

/**
 * Remove credentials from a message: `Bearer …` / `Basic …` values and any of the given secret
 * strings (the kubeconfig's token, password) wherever they appear.
 */
export function redactCredentials(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  return replaceSecrets(text.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [REDACTED]'), secrets, '[REDACTED]');
}
