/** Key-shaped tokens (`sk-…`, `sk-ant-…`, `sk-proj-****abcd`) that providers sometimes echo in error messages. */
const KEY_SHAPED = /\b(?:sk|rk|pk)-[A-Za-z0-9_*.-]{4,}/g;

/** Replace every configured secret and every key-shaped token in `text` with `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out.replace(KEY_SHAPED, '[redacted]');
}

function scrubStrings(target: Record<string, unknown>, secrets: readonly string[], keys: readonly string[], depth: number): void {
  for (const key of keys) {
    const v = target[key];
    if (typeof v === 'string') {
      const clean = redactSecrets(v, secrets);
      if (clean !== v) Object.defineProperty(target, key, { value: clean, configurable: true, writable: true, enumerable: Object.prototype.propertyIsEnumerable.call(target, key) });
    } else if (typeof v === 'object' && v !== null && depth > 0) {
      scrubStrings(v as Record<string, unknown>, secrets, Object.keys(v), depth - 1);
    }
  }
}

/**
 * Scrub secrets in place from an SDK error kept as `cause`: its message, stack, `apiMessage` and the
 * parsed error body (`error`), where providers echo (partial) keys.
 */
export function scrubErrorMessage(err: unknown, secrets: readonly string[]): void {
  if (!(err instanceof Error)) return;
  scrubStrings(err as unknown as Record<string, unknown>, secrets, ['message', 'stack', 'apiMessage', 'error'], 3);
}
