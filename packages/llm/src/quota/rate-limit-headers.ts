/** Response headers: a fetch `Headers` or a plain Node-style record. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

/** Windows of a provider's rate limit. */
export type QuotaWindowName = 'requests' | 'tokens' | 'input_tokens' | 'output_tokens';

/** One rate-limit window as the last response reported it. */
export interface QuotaWindow {
  limit: number;
  remaining: number;
  /** Time until the window refills, in ms (undefined when not reported). */
  resetMs: number | undefined;
  /** (limit − remaining) / limit, in percent. */
  usagePercent: number;
}

/** What a response's rate-limit headers say. */
export interface QuotaSnapshot {
  windows: Partial<Record<QuotaWindowName, QuotaWindow>>;
  /** The highest usage of all windows, in percent. */
  usagePercent: number;
}

function get(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const v = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/**
 * Parse a reset value: an OpenAI duration (`6m0s`, `12ms`, `1.5s`, `1h2m3s`), bare seconds (`30`), or an
 * RFC 3339 time (Anthropic, `2026-11-01T12:00:00Z`; relative to `nowEpochMs`, never negative).
 * Returns ms, or undefined when unparseable.
 */
export function parseResetMs(value: string | undefined, nowEpochMs: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(v)) return Number(v) * 1000;
  if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - nowEpochMs);
  }
  let total = 0;
  let consumed = 0;
  DURATION_PART.lastIndex = 0;
  for (let m = DURATION_PART.exec(v); m; m = DURATION_PART.exec(v)) {
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
    consumed = DURATION_PART.lastIndex;
  }
  return consumed === v.length && consumed > 0 ? total : undefined;
}

function intHeader(headers: HeaderSource, name: string): number | undefined {
  const v = get(headers, name)?.trim();
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

function window(limit: number | undefined, remaining: number | undefined, resetMs: number | undefined): QuotaWindow | undefined {
  if (limit === undefined || remaining === undefined || limit <= 0) return undefined;
  const used = Math.min(limit, Math.max(0, limit - remaining));
  return { limit, remaining, resetMs, usagePercent: Math.round((used / limit) * 10_000) / 100 };
}

/**
 * Read the rate-limit headers of a response or an error: OpenAI's `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`
 * and Anthropic's `anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}`.
 * Returns undefined when the response carries none.
 */
export function readRateLimitHeaders(headers: HeaderSource | undefined | null, nowEpochMs: number): QuotaSnapshot | undefined {
  if (!headers) return undefined;
  const windows: Partial<Record<QuotaWindowName, QuotaWindow>> = {};
  for (const name of ['requests', 'tokens'] as const) {
    const w = window(
      intHeader(headers, `x-ratelimit-limit-${name}`),
      intHeader(headers, `x-ratelimit-remaining-${name}`),
      parseResetMs(get(headers, `x-ratelimit-reset-${name}`), nowEpochMs),
    );
    if (w) windows[name] = w;
  }
  for (const name of ['requests', 'tokens', 'input_tokens', 'output_tokens'] as const) {
    const prefix = `anthropic-ratelimit-${name.replace('_', '-')}`;
    const w = window(intHeader(headers, `${prefix}-limit`), intHeader(headers, `${prefix}-remaining`), parseResetMs(get(headers, `${prefix}-reset`), nowEpochMs));
    if (w) windows[name] = w;
  }
  const all = Object.values(windows);
  if (all.length === 0) return undefined;
  return { windows, usagePercent: Math.max(...all.map((w) => w.usagePercent)) };
}
