import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MockProviderServer } from '../testing/mock-provider-server.js';
import { llmOptions, mockProviders } from './__fixtures__/llm-fixture.js';
import { ResilientLLM } from './resilient-llm.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});


/** Listen on `port` and pass every connection through to `target` (the primary comes back). */
async function forward(port: number, target: number): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  return server;
}

describe('ResilientLLM with a primary that refuses connections', () => {
  it('skips it at once while it refuses, and sends traffic back to it soon after it listens again', async () => {
    const server = await MockProviderServer.start();
    closers.push(() => server.close());
    const port = await freePort();
    const [openai, ...rest] = mockProviders(server);
    const target = new URL(server.openaiBaseURL('openai'));
    const refusing = { ...openai!, baseURL: `http://127.0.0.1:${port}${target.pathname}` };
    const llm = new ResilientLLM(llmOptions(server, { providers: [refusing, ...rest] }));
    closers.push(() => llm.close());

    expect((await llm.invoke('while it refuses')).provider).toBe('anthropic');
    expect((await llm.invoke('still refusing')).provider).toBe('anthropic'); // not tried again: it is cooling down
    expect(server.count({ provider: 'openai' })).toBe(0);

    await forward(port, Number(target.port));
    const back = Date.now();
    let answered = '';
    // the refusal cooled it down for the manager's transientCooldownMs (1 s), not providerCooldownMs (30 s)
    while (answered !== 'openai' && Date.now() - back < 10_000) {
      answered = (await llm.invoke(`after its return ${Date.now()}`)).provider;
      if (answered !== 'openai') await new Promise((r) => setTimeout(r, 100));
    }
    expect(answered).toBe('openai');
    console.log(`ResilientLLM: traffic back on the primary ${Date.now() - back} ms after it listens again`);
  });
});
