import { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { isSecretPath } from '../redact/secret-path.js';
import { unknownKeyError } from './known-keys.js';
import { describeValue } from './validate.js';

/** `providers[1].kind` from zod's `['providers', 1, 'kind']`. */
export function formatIssuePath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out;
}

const unwrap = (t: z.ZodType): z.ZodType =>
  t instanceof z.ZodOptional || t instanceof z.ZodDefault || t instanceof z.ZodNullable ? unwrap(t.unwrap() as z.ZodType) : t;

/** The option names of the object `schema` expects at `path` (for a did-you-mean), or none. */
function keysAt(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let t: z.ZodType | undefined = schema;
  for (const segment of path) {
    t = unwrap(t);
    if (t instanceof z.ZodObject) t = (t.shape as Record<string, z.ZodType>)[String(segment)];
    else if (t instanceof z.ZodRecord) t = t.valueType as z.ZodType;
    else if (t instanceof z.ZodArray) t = t.element as z.ZodType;
    else return [];
    if (t === undefined) return [];
  }
  t = unwrap(t);
  return t instanceof z.ZodObject ? Object.keys(t.shape) : [];
}

const article = (expected: string) =>
  expected === 'int' ? 'an integer' : /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;

/**
 * A zod issue as a {@link ConfigError} that reads like the hand-written validators' errors: the path
 * (`root` when the issue is at the top), and a message of our own for the common codes ("must be an
 * object, got 5", "must be a non-empty string", "unknown option; did you mean maxWaitMs?") instead of
 * zod's. Parse with `{ reportInput: true }` so the message can describe the bad value (only its type
 * under a secret path); the error's value is the key for an unknown option, and is redacted by
 * ConfigError under secret paths.
 */
export function zodIssueToConfigError(issue: z.core.$ZodIssue, schema: z.ZodType, root: string): ConfigError {
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'unrecognized_keys') return unknownKeyError(formatIssuePath(issue.path), issue.keys[0]!, keysAt(schema, issue.path));
  const path = formatIssuePath(issue.path) || root;
  // under a secret path (an apiKey, a header) the message names the value's type only
  const got = `got ${isSecretPath(path) ? `a ${typeof input}` : describeValue(input)}`;
  let message = issue.message;
  // a schema's own message (`must list at least one provider`) is kept; zod's defaults are replaced
  if (!/^(Invalid|Too (small|big))/.test(message)) return new ConfigError(path, message, input);
  if (issue.code === 'invalid_type') message = `must be ${article(issue.expected)}, ${got}`;
  else if (issue.code === 'too_small' && issue.origin === 'string') message = `must be a non-empty string, ${got}`;
  else if (issue.code === 'too_small' && issue.origin === 'array') message = 'must not be empty';
  else if (issue.code === 'too_small') message = `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, ${got}`;
  else if (issue.code === 'too_big') message = `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, ${got}`;
  else if (issue.code === 'invalid_value') {
    message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, ${got}`;
  } else if (issue.code === 'invalid_format') message = `must be a valid ${issue.format}, ${got}`;
  return new ConfigError(path, message, input);
}
