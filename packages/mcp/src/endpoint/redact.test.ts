import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { headerSecrets, redactArgs, redactUrl, Redactor, REDACTED } from './redact.js';

describe('redactUrl', () => {
  it('hides user info and every query value', () => {
    expect(redactUrl(new URL('https://me:pw@example.test:8443/mcp?apiKey=k1&x=2#frag'))).toBe(
      'https://***:***@example.test:8443/mcp?apiKey=***&x=***',
    );
    expect(redactUrl(new URL('http://127.0.0.1:3000/mcp'))).toBe('http://127.0.0.1:3000/mcp');
  });
});

describe('redactArgs', () => {
  it('hides the values of secret-looking flags in both spellings', () => {
    const { args, secrets } = redactArgs(['-y', '@supabase/mcp', '--access-token', 'sbp_1', '--api-key=k2', '--read-only', '--project-ref', 'ref']);
    expect(args).toEqual(['-y', '@supabase/mcp', '--access-token', REDACTED, `--api-key=${REDACTED}`, '--read-only', '--project-ref', 'ref']);
    expect(secrets).toEqual(['sbp_1', 'k2']);
  });
});

describe('headerSecrets', () => {
  it('yields the value and the credential of an auth scheme', () => {
    expect(headerSecrets('Bearer abc.def')).toEqual(['Bearer abc.def', 'abc.def']);
    expect(headerSecrets('plainkey')).toEqual(['plainkey']);
  });
});

describe('Redactor', () => {
  it('replaces secrets, longest first, including URL-encoded forms', () => {
    const r = new Redactor(['abc', 'abcdef', 'a b/c', 'xy']);
    expect(r.redact('x abcdef y abc z a%20b%2Fc xy')).toBe('x *** y *** z *** xy');
    expect(r.isClean('nothing here')).toBe(true);
    expect(r.isClean('has abc')).toBe(false);
  });

  it('never leaves a secret of 3+ characters in the output (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 3, maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.array(fc.string()), (secrets, noise) => {
        const text = [...noise, ...secrets].join(' ');
        const out = new Redactor(secrets).redact(text);
        // a secret may still appear if it is made of redaction markers themselves
        for (const s of secrets) if (!REDACTED.includes(s) && !s.includes('*')) expect(out).not.toContain(s);
      }),
    );
  });
});
