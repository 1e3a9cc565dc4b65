import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { everythingOf } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpSendError } from '../errors/http-send-error.js';
import { TeamChannels } from '../manager/team-channels.js';
import { createMessage } from '../message.js';
import { HttpChannel } from './http-channel.js';

const TOKEN = 'tok-8d2e6a0c4f1b3957';
const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((close) => close()));
});

/** A peer that answers every message with a 401 quoting the bearer token it received. */
async function echoingPeer(): Promise<string> {
  const server = createServer((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: `token ${String(req.headers.authorization).replace(/^Bearer /, '')} is not valid here` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('HttpChannel never shows its token', () => {
  it('when a peer echoes it raw in its error, nor in inspect/JSON of the channel and its TeamChannels', async () => {
    const a = new HttpChannel({ team: 'a', token: TOKEN, peers: { b: await echoingPeer() } });
    open.push(() => a.close());
    await a.start();
    const err = (await a.send(createMessage({ sender: 'a', recipient: 'b', type: 't' })).catch((e: unknown) => e)) as HttpSendError;
    expect(err).toMatchObject({ reason: 'status', status: 401, peerError: 'token [redacted] is not valid here' });
    const team = new TeamChannels({ team: 'a', channels: [a] });
    expect([everythingOf(err), everythingOf(a), everythingOf(team)].join('\n')).not.toContain(TOKEN);
  });
});
