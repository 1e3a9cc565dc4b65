import { RampartError, type ErrorClassification } from '@rampart/core';

/** Why an HTTP send failed. */
export type HttpSendFailure = 'status' | 'network' | 'timeout';

/** What {@link HttpSendError} is built from. */
export interface HttpSendErrorInit {
  reason: HttpSendFailure;
  /** The recipient team. */
  recipient: string;
  /** The request URL, already redacted. */
  url: string;
  /** The peer's HTTP status, for `reason: 'status'`. */
  status?: number;
  /** The peer's error text (from its JSON `error` field, redacted and cut to 200 characters). */
  peerError?: string;
  /** How long the peer asked us to wait (`Retry-After`), ms. */
  retryAfterMs?: number;
  /** How long the send was allowed, ms, for `reason: 'timeout'`. */
  timeoutMs?: number;
  cause?: unknown;
}

/**
 * An {@link HttpChannel} send did not get a 2xx answer: the peer answered another status
 * (`status` set), could not be reached (`network`), or did not answer within `timeoutMs`
 * (`timeout`). The URL is redacted and the token never appears. Classified for fallback chains:
 * 429 rate limited, 408/5xx/network transient, timeout as timeout, 401/403 permanent for this
 * peer, other statuses permanent.
 */
export class HttpSendError extends RampartError {
  readonly reason: HttpSendFailure;
  readonly recipient: string;
  readonly url: string;
  readonly status: number | undefined;
  readonly peerError: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rampartClassification: ErrorClassification;

  constructor(init: HttpSendErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.reason = init.reason;
    this.recipient = init.recipient;
    this.url = init.url;
    this.status = init.status;
    this.peerError = init.peerError;
    this.retryAfterMs = init.retryAfterMs;
    this.rampartClassification = classify(init);
  }
}

function describe(init: HttpSendErrorInit): string {
  const to = `sending to team ${init.recipient} at ${init.url}`;
  switch (init.reason) {
    case 'status':
      return `${to}: HTTP ${init.status}${init.peerError ? ` (${init.peerError})` : ''}`;
    case 'network':
      return `${to}: ${causeText(init.cause)}`;
    case 'timeout':
      return `${to}: no answer within ${init.timeoutMs} ms`;
  }
}

/** fetch's "fetch failed" hides the socket error in `cause`: name its code. */
function causeText(cause: unknown): string {
  const inner = (cause as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof inner?.code === 'string') return `network error ${inner.code}`;
  return 'network error';
}

function classify(init: HttpSendErrorInit): ErrorClassification {
  const retry = init.retryAfterMs === undefined ? {} : { retryAfterMs: init.retryAfterMs };
  if (init.reason === 'timeout') return { kind: 'timeout' };
  if (init.reason !== 'status' || init.status === undefined) return { kind: 'transient' };
  const s = init.status;
  if (s === 429) return { kind: 'rate_limited', ...retry };
  if (s === 408 || s >= 500) return { kind: 'transient', ...retry };
  if (s === 401 || s === 403) return { kind: 'permanent', scope: 'provider' };
  // 3xx (redirects are not followed: the token stays with the configured peer) and other 4xx.
  return { kind: 'permanent' };
}
