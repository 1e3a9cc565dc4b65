import { describe, expect, it } from 'vitest';
import { classifyNetworkError } from './network-failure.js';

const errno = (code: string, syscall?: string) => Object.assign(new Error(code), { code, ...(syscall && { syscall }) });

describe('classifyNetworkError', () => {
  it('maps resolver failures to dns, by code or by syscall', () => {
    for (const code of ['ENOTFOUND', 'EAI_AGAIN', 'ESERVFAIL']) expect(classifyNetworkError(errno(code)).reason).toBe('dns');
    expect(classifyNetworkError(errno('ECONNREFUSED', 'queryA'))).toEqual({ reason: 'dns', code: 'ECONNREFUSED' });
  });

  it('maps socket errors', () => {
    expect(classifyNetworkError(errno('ECONNREFUSED', 'connect'))).toEqual({ reason: 'refused', code: 'ECONNREFUSED' });
    expect(classifyNetworkError(errno('ETIMEDOUT')).reason).toBe('timeout');
    expect(classifyNetworkError(errno('ECONNRESET')).reason).toBe('reset');
    expect(classifyNetworkError(errno('EHOSTUNREACH')).reason).toBe('unreachable');
  });

  it('maps TLS and certificate errors to tls', () => {
    for (const code of ['EPROTO', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE']) {
      expect(classifyNetworkError(errno(code)).reason).toBe('tls');
    }
  });

  it('looks inside the AggregateError of a happy-eyeballs connect', () => {
    const agg = new AggregateError([errno('ECONNREFUSED'), errno('ECONNREFUSED')], 'connect failed');
    expect(classifyNetworkError(agg)).toEqual({ reason: 'refused', code: 'ECONNREFUSED' });
  });

  it('falls back to error', () => {
    expect(classifyNetworkError(new Error('odd'))).toEqual({ reason: 'error' });
    expect(classifyNetworkError('string')).toEqual({ reason: 'error' });
  });
});
