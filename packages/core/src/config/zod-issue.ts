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

/** Options of {@link zodIssueToConfigError}. */
export interface ZodIssueOptions {
  /** Path of the top-level object, used when the issue is at the top. Default `'options'`. */
  root?: string;
  /** Prefix every path with `root` (`request.messages[0].role`) instead of naming it only at the top. */
  prefixRoot?: boolean;
}

/**
 * A zod issue as a {@link ConfigError} that reads like the hand-written validators' errors: the path,
 * and a message of our own for the common codes ("must be an object, got 5", "must be a non-empty
 * string", "unknown option; did you mean maxWaitMs?") instead of zod's; a schema's own message is
 * kept. Parse with `{ reportInput: true }` so the message can describe the bad value (only its type
 * under a secret path); without it, the message does not describe the value (for inputs such as
 * prompts that should not reach an error). The error's value is the key for an unknown option, and is
 * redacted by ConfigError under secret paths.
 */
export function zodIssueToConfigError(issue: z.core.$ZodIssue, schema: z.ZodType, options: ZodIssueOptions = {}): ConfigError {
  const root = options.root ?? 'options';
  const at = (p: ReadonlyArray<PropertyKey>) => {
    const inner = formatIssuePath(p);
    if (!options.prefixRoot) return inner || root;
    return inner === '' ? root : inner.startsWith('[') ? `${root}${inner}` : `${root}.${inner}`;
  };
  const reported = 'input' in issue;
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'unrecognized_keys') {
    const objectPath = options.prefixRoot ? at(issue.path) : formatIssuePath(issue.path);
    return unknownKeyError(objectPath, issue.keys[0]!, keysAt(schema, issue.path));
  }
  const path = at(issue.path);
  // under a secret path (an apiKey, a header) the message names the value's type only
  const got = !reported ? '' : `, got ${isSecretPath(path) ? `a ${typeof input}` : describeValue(input)}`;
  let message = issue.message;
  if (!/^(Invalid|Too (small|big))/.test(message)) return new ConfigError(path, message, input);
  if (issue.code === 'invalid_type') message = `must be ${article(issue.expected)}${got}`;
  else if (issue.code === 'too_small' && issue.origin === 'string') message = `must be a non-empty string${got}`;
  else if (issue.code === 'too_small' && issue.origin === 'array') message = 'must not be empty';
  else if (issue.code === 'too_small') message = `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}${got}`;
  else if (issue.code === 'too_big') message = `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}${got}`;
  else if (issue.code === 'invalid_value') message = `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got}`;
  else if (issue.code === 'invalid_format') message = `must be a valid ${issue.format}${got}`;
  else if (issue.code === 'invalid_union') {
    // a discriminated union names its accepted tags (`role` must be one of "system", "user", ...)
    const tags = (issue as { options?: readonly unknown[] }).options;
    message = tags ? `must be one of ${tags.map((v) => JSON.stringify(v)).join(', ')}${got}` : `does not match any accepted form${got}`;
  }
  return new ConfigError(path, message, input);
}
