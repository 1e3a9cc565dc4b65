import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { channelMessageSchema, type ChannelMessage } from '../message.js';

/** The paths an {@link HttpChannel} serves. */
export const MESSAGES_PATH = '/rampart/v1/messages';
export const HEALTH_PATH = '/rampart/v1/health';

/** What the request listener needs from its channel. */
export interface InboxServerOptions {
  team: string;
  /** The expected bearer token, or undefined for none. */
  token: string | undefined;
  maxBodyBytes: number;
  /** Take an accepted message; returns why it cannot (503) or undefined once it is queued. */
  accept(message: ChannelMessage): 'no-handler' | 'full' | 'closing' | undefined;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compare a presented token with the expected one in constant time (equal-length digests). */
export function tokenMatches(expectedDigest: Buffer, authorization: string | undefined): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  const presented = digest(match?.[1] ?? '');
  return timingSafeEqual(expectedDigest, presented) && match !== null;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Read the body up to `max` bytes; `undefined` when it is larger (the rest is not read). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

/** The first zod issue as `field: message`; unknown fields are named too. */
function describeIssue(error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string; keys?: string[] }> }): { field: string; error: string } {
  const issue = error.issues[0];
  if (issue === undefined) return { field: '', error: 'invalid message' };
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : (issue.keys ?? []).join(',');
  return { field, error: `${field || 'message'}: ${issue.message}` };
}

/**
 * The request listener of an HTTP channel: `POST /rampart/v1/messages` (202 once queued; 400
 * invalid, 401 bad token, 413 too large, 503 cannot take it now) and `GET /rampart/v1/health`.
 */
export function createInboxListener(options: InboxServerOptions): RequestListener {
  const expected = options.token === undefined ? undefined : digest(options.token);
  // Early answers leave the body unread: close the connection rather than read what is left.
  const closing = { connection: 'close' };
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === HEALTH_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'use GET' }, { allow: 'GET, HEAD', ...closing });
      return send(res, 200, { team: options.team, status: 'pass' }, { 'content-type': 'application/health+json' });
    }
    if (path !== MESSAGES_PATH) return send(res, 404, { error: 'not found' }, closing);
    if (req.method !== 'POST') return send(res, 405, { error: 'use POST' }, { allow: 'POST', ...closing });
    if (expected !== undefined && !tokenMatches(expected, req.headers.authorization)) {
      return send(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer', ...closing });
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) return send(res, 413, { error: `body over ${options.maxBodyBytes} bytes` }, closing);
    readBody(req, options.maxBodyBytes).then(
      (body) => {
        if (body === undefined) return send(res, 413, { error: `body over ${options.maxBodyBytes} bytes` }, closing);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          return send(res, 400, { error: 'body is not JSON', field: '' });
        }
        const parsed = channelMessageSchema.safeParse(json);
        if (!parsed.success) return send(res, 400, describeIssue(parsed.error));
        const message = parsed.data;
        if (message.recipient !== options.team) {
          return send(res, 400, { field: 'recipient', error: `recipient: this channel receives for team ${options.team}, not ${message.recipient}` });
        }
        const refused = options.accept(message);
        if (refused !== undefined) return send(res, 503, { error: `cannot take messages now (${refused})` }, { 'retry-after': '1' });
        send(res, 202, { accepted: message.id });
      },
      () => res.destroy(), // the client went away mid-body
    );
  };
}
