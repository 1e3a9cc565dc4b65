import { describe, expect, it } from 'vitest';
import { toAnthropicParams } from './anthropic-mapping.js';

describe('toAnthropicParams: an assistant prefill last', () => {
  it('trims the trailing whitespace of the final assistant text (the API refuses it with a 400), and only there', () => {
    const params = toAnthropicParams(
      {
        messages: [
          { role: 'user', content: 'one ' },
          { role: 'assistant', content: 'earlier answer \n' },
          { role: 'user', content: 'two' },
          { role: 'assistant', content: 'The answer is \n ' },
        ],
      },
      'claude-big',
      100,
    );
    expect(params.messages).toEqual([
      { role: 'user', content: 'one ' },
      { role: 'assistant', content: 'earlier answer \n' },
      { role: 'user', content: 'two' },
      { role: 'assistant', content: 'The answer is' },
    ]);
  });

  it('drops a final assistant turn that is only whitespace', () => {
    const params = toAnthropicParams({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: '  ' }] }, 'claude-big', 100);
    expect(params.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });
});
