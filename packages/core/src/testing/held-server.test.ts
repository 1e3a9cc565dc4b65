import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HeldServer } from './held-server.js';

describe('HeldServer', () => {
  it('holds answers until released, counts connections, and stops with none left open', async () => {
    const ctl = new HeldServer();
    const server = http.createServer((_req, res) => ctl.answer(() => res.end('ok')));
    await ctl.listen(server, 'connection', 0, '127.0.0.1');
    const { port } = server.address() as AddressInfo;
    ctl.hold();
    const reply = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    while (ctl.heldCount === 0) await new Promise((r) => setImmediate(r));
    expect(ctl.connectionCount).toBe(1);
    ctl.release();
    expect(await reply).toBe('ok');
    await ctl.stop(server);
    expect(server.listening).toBe(false);
    while (ctl.connectionCount > 0) await new Promise((r) => setImmediate(r));
    expect(ctl.connectionCount).toBe(0);
  });
});
