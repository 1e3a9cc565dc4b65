import { ConfigError } from '../errors/config-error.js';

/**
 * Every key of an options type, listed once: `{ maxAttempts: true, strategy: true, ... }`. Typed this
 * way, tsc fails when an option is added to the type but not to its list, so the unknown-key check
 * cannot fall behind the options it guards.
 */
export type OptionKeys<T> = { readonly [K in keyof T]-?: true };

/**
 * Names users bring from other libraries (cockatiel, opossum, p-retry, Polly) and from habit, with
 * the option they mean here. Offered only when that option is one of the allowed keys.
 */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  retries: ['maxAttempts', 'maxRetries'],
  attempts: ['maxAttempts'],
  maxRetries: ['maxAttempts'],
  threshold: ['failureThreshold'],
  resetTimeout: ['recoveryTimeoutMs', 'halfOpenAfterMs'],
  timeout: ['timeoutMs', 'deadlineMs', 'requestTimeoutMs'],
  delay: ['delayMs', 'baseDelayMs'],
  initialDelay: ['baseDelayMs'],
  maxDelay: ['maxDelayMs'],
  factor: ['multiplier'],
  exponent: ['multiplier'],
  concurrency: ['maxConcurrent'],
  limit: ['maxConcurrent', 'tokensPerInterval'],
  interval: ['intervalMs'],
};

/** Levenshtein distance, stopping early once it exceeds `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      rowMin = Math.min(rowMin, current[j]!);
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The allowed key a user most likely meant by `key`, the first of: a known synonym (`retries` →
 * `maxAttempts`), the same name in another case, the nearest by edit distance (at most a third of its
 * length), a name containing it (`threshold` → `failureThreshold`), the one key with the same stem
 * (`pollMs` → `pollIntervalMs`). Undefined when nothing is close.
 */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  const synonym = SYNONYMS[key]?.find((s) => allowed.includes(s));
  if (synonym) return synonym;
  const lower = key.toLowerCase();
  const sameCase = allowed.find((a) => a.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const max = Math.max(1, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = max + 1;
  for (const a of allowed) {
    const d = distance(lower, a.toLowerCase(), max);
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  if (best) return best;
  if (lower.length >= 4) {
    const containing = allowed.find((a) => a.toLowerCase().includes(lower));
    if (containing) return containing;
  }
  // `pollMs` → `pollIntervalMs`: the one key that starts with the same stem
  const stem = lower.replace(/ms$/, '');
  const sameStem = stem.length >= 4 ? allowed.filter((a) => a.toLowerCase().startsWith(stem)) : [];
  return sameStem.length === 1 ? sameStem[0] : undefined;
}

/** The ConfigError for an unknown option `key` of the object at `path`: `retry.retries: unknown option; did you mean maxAttempts?` */
export function unknownKeyError(path: string, key: string, allowed: readonly string[]): ConfigError {
  const suggestion = suggestKey(key, allowed);
  const hint = suggestion
    ? `did you mean ${suggestion}?`
    : allowed.length > 0
      ? `known options: ${[...allowed].sort().join(', ')}`
      : 'this object takes no options';
  return new ConfigError(path === '' ? key : `${path}.${key}`, `unknown option; ${hint}`, key);
}

/**
 * Rejects the first own key of `value` that is not in `allowed` (a list or an {@link OptionKeys}
 * record) with a {@link ConfigError} at `path.key`, suggesting the nearest allowed key. Keys set to
 * `undefined` count too: `{ retries: undefined }` is still a typo. The error's `value` is the key,
 * never the value it held (which may be a secret).
 */
export function knownKeys(path: string, value: object, allowed: readonly string[] | Readonly<Record<string, true>>): void {
  const names: readonly string[] = Array.isArray(allowed) ? allowed : Object.keys(allowed);
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) throw unknownKeyError(path, key, names);
  }
}
