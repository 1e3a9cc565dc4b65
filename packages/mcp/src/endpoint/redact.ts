export { headerSecrets } from '@rampart/core/internal';

/** What replaces a secret in reports, logs and error messages. */
export const REDACTED = '***';

/** Flag names whose value is a secret: `--access-token X`, `--api-key=X`, `--password X`. */
const SECRET_FLAG = /(token|secret|passw(or)?d|api[-_]?key|auth|credential|private[-_]?key)/i;

/**
 * The URL with its user info and every query value replaced by `***`
 * (`https://***:***@host/mcp?key=***`): query strings of MCP URLs often carry API keys.
 */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.username) copy.username = REDACTED;
  if (copy.password) copy.password = REDACTED;
  const keys = [...new Set(copy.searchParams.keys())];
  for (const key of keys) copy.searchParams.set(key, REDACTED);
  copy.hash = '';
  // URLSearchParams percent-encodes `*`; keep the marker readable.
  return copy.href.replaceAll('%2A%2A%2A', REDACTED);
}

/**
 * Command-line arguments with the values of secret-looking flags replaced by `***`
 * (`--access-token X` and `--access-token=X`). Returns the redacted copy and the secrets found.
 */
export function redactArgs(args: readonly string[]): { args: string[]; secrets: string[] } {
  const out: string[] = [];
  const secrets: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    if (arg.startsWith('-') && eq > 0 && SECRET_FLAG.test(arg.slice(0, eq))) {
      secrets.push(arg.slice(eq + 1));
      out.push(`${arg.slice(0, eq + 1)}${REDACTED}`);
    } else if (arg.startsWith('-') && eq < 0 && SECRET_FLAG.test(arg) && i + 1 < args.length) {
      secrets.push(args[i + 1]!);
      out.push(arg, REDACTED);
      i++;
    } else {
      out.push(arg);
    }
  }
  return { args: out, secrets: secrets.filter((s) => s.length > 0) };
}

/** Shortest secret that is replaced in free text; shorter ones would mangle ordinary words. */
const MIN_SECRET_LENGTH = 3;

/** Replaces every occurrence of the given secrets (and their URL-encoded forms) with `***`. */
export class Redactor {
  readonly #secrets: readonly string[];

  constructor(secrets: Iterable<string>) {
    const all = new Set<string>();
    for (const s of secrets) {
      if (s.length < MIN_SECRET_LENGTH) continue;
      all.add(s);
      all.add(encodeURIComponent(s));
    }
    // longest first, so that a secret containing another is replaced whole
    this.#secrets = Object.freeze([...all].sort((a, b) => b.length - a.length));
  }

  get size(): number {
    return this.#secrets.length;
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (out.includes(s)) out = out.replaceAll(s, REDACTED);
    return out;
  }

  /** True when `text` contains none of the secrets. */
  isClean(text: string): boolean {
    return this.#secrets.every((s) => !text.includes(s));
  }
}
