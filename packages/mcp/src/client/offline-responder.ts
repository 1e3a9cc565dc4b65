import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * The last target of a logical server's chain ("Primary → Secondary → Mock"): answers a tool call
 * without any server. Return a `CallToolResult` (`{ content: [...] }`), or any other value, which
 * becomes a result with that value as `structuredContent` (objects) and its JSON as text.
 */
export type McpOfflineResponder = (
  tool: string,
  args: Readonly<Record<string, unknown>>,
) => CallToolResult | unknown | Promise<CallToolResult | unknown>;

/** `_meta` key marking a result that came from the offline responder, not from a server. */
export const OFFLINE_META_KEY = 'rampart/offline';

function isCallToolResult(value: unknown): value is CallToolResult {
  return typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content);
}

/** Normalize what a responder returned into a `CallToolResult` marked `_meta['rampart/offline'] = true`. */
export function toOfflineResult(value: unknown): CallToolResult {
  if (isCallToolResult(value)) return { ...value, _meta: { ...value._meta, [OFFLINE_META_KEY]: true } };
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  const result: CallToolResult = { content: [{ type: 'text', text }], _meta: { [OFFLINE_META_KEY]: true } };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    result.structuredContent = value as Record<string, unknown>;
  }
  return result;
}
