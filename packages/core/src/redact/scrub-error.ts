import { redactSecrets, secretForms } from './redact-secrets.js';

const MAX_DEPTH = 8;

type Redact = (text: string) => string;

function scrubValue(value: unknown, secrets: readonly string[], depth: number, seen: WeakSet<object>, extra: Redact): unknown {
  if (typeof value === 'string') return extra(redactSecrets(value, secrets));
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Headers) {
    // a response's headers are immutable: a scrubbed copy takes their place
    let copy: Headers | undefined;
    for (const [name, v] of value) {
      const clean = extra(redactSecrets(v, secrets));
      if (clean !== v) (copy ??= new Headers(value)).set(name, clean);
    }
    return copy ?? value;
  }
  if (!(value instanceof Error) && !isPlain(value)) return value; // a socket, a client: not ours to rewrite
  const target = value as Record<PropertyKey, unknown>;
  const keys = new Set<PropertyKey>(Object.keys(target));
  // an Error's own message and stack are not enumerable; `cause` neither when given to the constructor
  if (value instanceof Error) for (const k of ['message', 'stack', 'cause', 'errors']) if (Object.hasOwn(value, k)) keys.add(k);
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (!descriptor || !('value' in descriptor)) continue; // accessors are left alone
    const clean = scrubValue(descriptor.value, secrets, depth + 1, seen, extra);
    if (clean !== descriptor.value) trySet(() => Object.defineProperty(target, key, { ...descriptor, value: clean }));
  }
  return value;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Array.isArray(value);
}

function trySet(write: () => void): void {
  try {
    write();
  } catch {
    // a frozen or non-configurable property: nothing more can be done here
  }
}

/**
 * Scrub `error` in place of configured `secrets` (and of URL passwords, bearer tokens and key-shaped
 * words): its message, stack and every string it holds (a parsed response body, response headers),
 * down its `cause` chain and an aggregate's `errors`. For errors a client library creates from what a
 * server sent (a provider echoing a header, a driver quoting a connection string), before they are
 * kept as a `cause`, thrown or logged. `extra` redacts what only the caller knows the shape of
 * (a provider's masked keys). Returns `error`.
 */
export function scrubError<E>(error: E, secrets: Iterable<string | undefined> = [], extra: Redact = (text) => text): E {
  scrubValue(error, secretForms(secrets), 0, new WeakSet(), extra);
  return error;
}
