/** Response headers as `Headers` (or anything with a `get`) or a plain Node-style object. */
export type HeadersLike =
  | Headers
  | { get(name: string): string | null | undefined }
  | Record<string, string | string[] | undefined>;

function header(headers: HeadersLike, name: string): string | undefined {
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    const v = (getter as (n: string) => unknown).call(headers, name);
    return typeof v === 'string' ? v : undefined;
  }
  const record = headers as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() !== name) continue;
    const v = record[key];
    if (typeof v === 'string') return v;
    if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  }
  return undefined;
}

const NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * Read how long a server asked the client to wait, in ms: `retry-after-ms` (ms, as OpenAI and
 * Anthropic send), then `retry-after` as delta-seconds or an HTTP date (relative to
 * `nowEpochMs`, default `Date.now()`; a date in the past gives 0). Header names are matched
 * case-insensitively. Returns undefined when absent or unparseable.
 */
export function parseRetryAfterMs(
  headers: HeadersLike | undefined | null,
  nowEpochMs: number = Date.now(),
): number | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const ms = header(headers, 'retry-after-ms')?.trim();
  if (ms !== undefined && NUMBER.test(ms)) return Number(ms);
  const ra = header(headers, 'retry-after')?.trim();
  if (ra === undefined || ra === '') return undefined;
  if (NUMBER.test(ra)) return Number(ra) * 1000;
  // an HTTP date always names a month; this keeps Date.parse from reading "-3" as a year
  if (!/[a-z]/i.test(ra)) return undefined;
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowEpochMs);
}
