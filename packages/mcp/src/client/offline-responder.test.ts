import { describe, expect, it } from 'vitest';
import { OFFLINE_META_KEY, toOfflineResult } from './offline-responder.js';

describe('toOfflineResult', () => {
  it('keeps a CallToolResult and marks it offline', () => {
    const result = toOfflineResult({ content: [{ type: 'text', text: 'cached' }], _meta: { a: 1 } });
    expect(result).toEqual({ content: [{ type: 'text', text: 'cached' }], _meta: { a: 1, [OFFLINE_META_KEY]: true } });
  });

  it('wraps objects as structured content, other values as text', () => {
    expect(toOfflineResult({ rows: [] })).toEqual({
      content: [{ type: 'text', text: '{"rows":[]}' }],
      structuredContent: { rows: [] },
      _meta: { [OFFLINE_META_KEY]: true },
    });
    expect(toOfflineResult('later')).toEqual({ content: [{ type: 'text', text: 'later' }], _meta: { [OFFLINE_META_KEY]: true } });
    expect(toOfflineResult(undefined).content).toEqual([{ type: 'text', text: 'undefined' }]);
    expect(toOfflineResult([1, 2]).structuredContent).toBeUndefined();
  });
});
