/** Why a network probe failed. */
export type NetworkFailureReason = 'dns' | 'refused' | 'timeout' | 'reset' | 'unreachable' | 'tls' | 'error';

/** Why a network probe did not report healthy: a failure, a slow answer, or a bad HTTP status. */
export type NetworkProbeReason = NetworkFailureReason | 'slow' | 'http_status';

const DNS_CODES = new Set([
  'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL', 'EREFUSED', 'ETIMEOUT',
]);
const REASON_BY_CODE: Readonly<Record<string, NetworkFailureReason>> = {
  ECONNREFUSED: 'refused',
  ETIMEDOUT: 'timeout',
  ECONNRESET: 'reset',
  EPIPE: 'reset',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  EPROTO: 'tls',
};

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // happy-eyeballs connects (autoSelectFamily) fail with an AggregateError of every attempt
  if (err instanceof AggregateError) return errorCode(err.errors[0]);
  return undefined;
}

/** Classify a socket/HTTP error into a {@link NetworkFailureReason}, keeping its errno code. */
export function classifyNetworkError(err: unknown): { reason: NetworkFailureReason; code?: string } {
  const code = errorCode(err);
  const syscall = typeof err === 'object' && err !== null ? (err as { syscall?: unknown }).syscall : undefined;
  let reason: NetworkFailureReason = 'error';
  if (code !== undefined && DNS_CODES.has(code)) reason = 'dns';
  else if (typeof syscall === 'string' && (syscall === 'getaddrinfo' || syscall.startsWith('query'))) reason = 'dns';
  else if (code !== undefined && REASON_BY_CODE[code]) reason = REASON_BY_CODE[code];
  else if (code !== undefined && /^ERR_(TLS|SSL)|CERT|^UNABLE_TO_VERIFY/.test(code)) reason = 'tls';
  return code === undefined ? { reason } : { reason, code };
}
