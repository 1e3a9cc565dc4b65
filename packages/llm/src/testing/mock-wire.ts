import type { MockFault } from './mock-faults.js';
import type { MockQuotaState } from './mock-provider-control.js';
import type { MockConversation, MockReply } from './mock-reply.js';

/** A parsed request, or the reason it is invalid (answered with HTTP 400). */
export type ParsedRequest =
  | { ok: true; conversation: MockConversation; stream: boolean; includeUsage: boolean }
  | { ok: false; param: string; message: string };

/** An HTTP error answer. */
export interface WireError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** The SSE frames of one streamed answer, split so that faults can cut in between. */
export interface StreamFrames {
  /** Frames before the first content piece (role chunk; message_start + content_block_start). */
  preamble: string[];
  /** One frame per content piece (text or tool-argument fragment). */
  pieces: string[];
  /** Frames after the content, before the terminal frame (finish reason, usage). */
  tail: string[];
  /** The terminal frame (`data: [DONE]`, `event: message_stop`). */
  terminal: string;
}

/** Fault types that produce an HTTP error answer. */
export type ErrorFaultType = Extract<
  MockFault['type'],
  'rate_limit' | 'server_error' | 'unavailable' | 'overloaded' | 'auth' | 'permission' | 'bad_request' | 'context_length'
>;

/** One API dialect spoken by the mock server. */
export interface WireFormat {
  readonly kind: 'openai' | 'anthropic';
  /** The API key the request carries. */
  apiKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined;
  parse(body: unknown, provider: string): ParsedRequest;
  error(type: ErrorFaultType, detail: { message?: string; inputTokens?: number; windowTokens?: number }): WireError;
  invalid(param: string, message: string): WireError;
  body(reply: MockReply, conversation: MockConversation, id: number): unknown;
  frames(reply: MockReply, conversation: MockConversation, id: number, includeUsage: boolean): StreamFrames;
  /** An in-band error frame sent after HTTP 200. */
  errorFrame(errorType: 'overloaded_error' | 'api_error'): string;
  rateLimitHeaders(quota: MockQuotaState, nowEpochMs: number): Record<string, string>;
  requestIdHeader(id: number): Record<string, string>;
}

/** `data: <json>` SSE frame. */
export function dataFrame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/** `event: <name>` + `data: <json>` SSE frame. */
export function eventFrame(event: string, value: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(value)}\n\n`;
}

/** Format milliseconds the way OpenAI's reset headers do: `12ms`, `1.5s`, `6m0s`, `1h2m3s`. */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  if (totalSeconds < 60) return `${Number(totalSeconds.toFixed(3))}s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Number((totalSeconds % 60).toFixed(3));
  return hours > 0 ? `${hours}h${minutes}m${seconds}s` : `${minutes}m${seconds}s`;
}

/** Split a JSON text into a few fragments, as providers stream tool arguments. */
export function jsonFragments(json: string): string[] {
  const size = Math.max(4, Math.ceil(json.length / 3));
  const out: string[] = [];
  for (let i = 0; i < json.length; i += size) out.push(json.slice(i, i + size));
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}
