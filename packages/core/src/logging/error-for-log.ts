import { redactSecrets } from '../redact/redact-secrets.js';

const MAX_CAUSES = 4;

/**
 * A log-safe copy of an error for pino's `err` key: an object of the error's own class (so that
 * pino's error serializer prints its real `type`, not `Object`), with its message and stack, its
 * primitive fields and its `cause` chain, every string redacted of `secrets` (and of URL passwords,
 * bearer tokens and key-shaped words). The original error is not changed. Anything else becomes
 * `{ name, message }` (a recorded `{ name, message }` keeps its name).
 */
export function errorForLog(err: unknown, secrets: readonly string[] = []): Error | undefined {
  if (err === undefined) return undefined;
  return copy(err, secrets, 0);
}

function copy(err: unknown, secrets: readonly string[], depth: number): Error {
  if (!(err instanceof Error)) {
    // a recorded error (`{ name, message }`) keeps its name; pino's serializer prints `name` as the type
    const record = typeof err === 'object' && err !== null ? (err as { name?: unknown; message?: unknown }) : undefined;
    const name = typeof record?.name === 'string' ? record.name : err === null ? 'null' : typeof err;
    const message = typeof record?.message === 'string' ? record.message : String(err);
    return Object.assign(Object.create(null) as Error, { name, message: redactSecrets(message, secrets) });
  }
  const out = Object.create(Object.getPrototypeOf(err) as object) as Error & Record<string, unknown>;
  // enumerable, so that a logger other than pino (plain JSON) shows them too
  const own = (key: string, value: unknown) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  own('name', err.name);
  own('message', redactSecrets(err.message, secrets));
  if (err.stack !== undefined) own('stack', redactSecrets(err.stack, secrets));
  for (const [key, value] of Object.entries(err)) {
    if (typeof value === 'string') own(key, redactSecrets(value, secrets));
    else if (typeof value === 'number' || typeof value === 'boolean') own(key, value);
  }
  if (err.cause !== undefined && depth < MAX_CAUSES) own('cause', copy(err.cause, secrets, depth + 1));
  return out;
}

/** `{ type, message }` of an error, redacted: for errors nested in a log line, where pino's `err` serializer does not reach. */
export function errorSummary(err: unknown, secrets: readonly string[] = []): { type: string; message: string } | undefined {
  const shown = errorForLog(err, secrets);
  return shown && { type: shown.name, message: shown.message };
}
