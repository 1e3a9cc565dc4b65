/** A state file that could not be read back, and where it went. */
export interface CorruptEntry {
  /** The file as it was found. */
  readonly file: string;
  /**
   * Where it was moved aside (`<file>.corrupt`, or `<file>.<epoch ms>.corrupt` when that exists),
   * so that it is reported once, not at every start; undefined when it could not be moved.
   */
  readonly movedTo: string | undefined;
  /**
   * What could still be read from it: the `key` it was stored under and the identifying fields of
   * the value (a queued request's `id`, `className`, `method`, `resource`, `status`), whichever
   * survived. Never the arguments or a result.
   */
  readonly held: Readonly<Record<string, string>>;
}

/** Fields worth recovering from a damaged record: they say what it was, and hold no payload. */
const FIELDS = ['key', 'id', 'team', 'resource', 'className', 'method', 'status'] as const;
/** How much of a damaged file is searched. */
const MAX_TEXT = 64 * 1024;
const MAX_VALUE = 200;

/**
 * The identifying string fields still readable in the text of a damaged JSON record (truncated,
 * half-written, or valid JSON of the wrong shape): the first `"field": "value"` of each of
 * {@link FIELDS} at any depth. Escaped JSON inside a string (a record's `argsJson`) does not match.
 */
export function readableFields(text: string): Record<string, string> {
  const held: Record<string, string> = {};
  const head = text.slice(0, MAX_TEXT);
  for (const field of FIELDS) {
    const m = new RegExp(`"${field}"\\s*:\\s*"((?:[^"\\\\]|\\\\.){0,${MAX_VALUE}})"`).exec(head);
    if (m === null) continue;
    try {
      held[field] = JSON.parse(`"${m[1]!}"`) as string;
    } catch {
      held[field] = m[1]!;
    }
  }
  return held;
}

/** A one-line description of what a corrupt entry held, for a log line: `key ops/queue/1 (id 1, Mailer.send)`. */
export function describeHeld(held: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  if (held.id !== undefined) parts.push(`request ${held.id}`);
  if (held.method !== undefined) parts.push(held.className !== undefined ? `${held.className}.${held.method}` : held.method);
  if (held.resource !== undefined) parts.push(held.resource);
  const what = parts.join(', ');
  if (held.key !== undefined) return what === '' ? `key ${held.key}` : `key ${held.key} (${what})`;
  return what === '' ? 'nothing readable' : what;
}
