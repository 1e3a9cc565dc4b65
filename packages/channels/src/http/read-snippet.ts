import { redactSecrets } from '@rampart/core';

/** Read at most `max` characters of an answer's body, then let the rest go (a hostile peer cannot make us buffer more). */
export async function readSnippet(res: Response, max = 2048): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < max) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
  } catch {
    // a body cut short still leaves the status
  }
  return text.slice(0, max);
}

/** The `error` field of a peer's JSON answer, redacted (of `token` too, should the peer echo it) and at most 200 characters. */
export function peerErrorText(body: string, token?: string): string | undefined {
  try {
    const e = (JSON.parse(body) as { error?: unknown }).error;
    return typeof e === 'string' ? redactSecrets(e, [token]).slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}
