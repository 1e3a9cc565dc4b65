import { describe, expect, it } from 'vitest';
import { isSecretParamName, redactUrl, redactUrlsInText } from './redact-url.js';

describe('redactUrl', () => {
  it('redacts user name and password', () => {
    expect(redactUrl('https://alice:s3cr3t@example.test/path?x=1')).toBe('https://***:***@example.test/path?x=1');
    expect(redactUrl('https://ghp_tokenvalue@example.test/')).toBe('https://***@example.test/');
    expect(redactUrl('postgres://app:pw@db.internal:5432/main')).toBe('postgres://***:***@db.internal:5432/main');
    expect(redactUrl(new URL('redis://:onlypass@127.0.0.1:6379/0'))).toBe('redis://:***@127.0.0.1:6379/0');
  });

  it('redacts secret query parameters, keeping the others and their order', () => {
    const out = redactUrl('https://api.example.test/v1?model=gpt&api_key=sk-123&Token=abc&secret=s&password=p&key=k&page=2');
    expect(out).toBe('https://api.example.test/v1?model=gpt&api_key=***&Token=***&secret=***&password=***&key=***&page=2');
    expect(out).not.toMatch(/sk-123|abc|=s&|=p&|=k/);
  });

  it('redacts every value of a repeated secret parameter and common spellings', () => {
    const out = redactUrl('http://h.test/?token=a&token=b&access_token=c&X-Amz-Signature=d&apikey=e&client_secret=f');
    for (const secret of ['=a', '=b', '=c', '=d', '=e', '=f']) expect(out).not.toContain(secret);
    expect(out.match(/\*\*\*/g)).toHaveLength(6);
  });

  it('leaves a URL without secrets unchanged', () => {
    expect(redactUrl('http://127.0.0.1:8080/health?verbose=1')).toBe('http://127.0.0.1:8080/health?verbose=1');
  });

  it('never returns an unparseable input, which might hold a secret', () => {
    expect(redactUrl('not a url with password hunter2')).toBe('[unparseable url]');
  });

  it('names secret parameters case-insensitively, but not look-alikes', () => {
    expect(isSecretParamName('API_KEY')).toBe(true);
    expect(isSecretParamName('monkey')).toBe(false);
    expect(isSecretParamName('tokens_used')).toBe(false);
    expect(isSecretParamName('page')).toBe(false);
  });
});

describe('redactUrlsInText', () => {
  it('redacts URLs inside a message and keeps the rest', () => {
    expect(redactUrlsInText('connect to postgres://u:pw@db:5432/x failed (ECONNREFUSED)')).toBe(
      'connect to postgres://***:***@db:5432/x failed (ECONNREFUSED)',
    );
    expect(redactUrlsInText('no url here')).toBe('no url here');
  });
});
