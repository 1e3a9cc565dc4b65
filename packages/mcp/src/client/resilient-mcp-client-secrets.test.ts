import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { FallbackAction, FallbackStrategy, ResilienceManager, ResourceType } from '@rampart/core';
import { capturingLogger, everythingOf } from '@rampart/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ResilientMCPClient } from './resilient-mcp-client.js';

const SECRETS = { password: 'pw-mcp-1a2b3c4d', apiKey: 'key-mcp-5e6f7a8b', token: 'tok-mcp-9c0d1e2f', env: 'env-mcp-3a4b5c6d' } as const;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An HTTP server that answers every request with a 401 quoting the request's headers and URL back. */
async function echoingServer(): Promise<number> {
  const server = createHttpServer((req, res) => {
    req.resume().on('end', () => {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': `Bearer realm="${String(req.headers['x-api-token'])}"` });
      res.end(JSON.stringify({ error: `rejected ${req.url} with ${JSON.stringify(req.headers)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return (server.address() as { port: number }).port;
}

async function client(): Promise<{ client: ResilientMCPClient; lines: string[] }> {
  const { logger, lines } = capturingLogger();
  const manager = new ResilienceManager('mcp-secrets', {
    logger,
    fallbackStrategies: { [ResourceType.MCP_SERVER]: [new FallbackAction(FallbackStrategy.SWITCH_PROVIDER)] },
  });
  const port = await closedPort();
  const echo = await echoingServer();
  const c = new ResilientMCPClient({
    manager,
    timeoutMs: 5000,
    servers: {
      tools: [
        { url: `http://agent:${SECRETS.password}@127.0.0.1:${echo}/mcp?api_key=${SECRETS.apiKey}`, headers: { 'x-api-token': `Bearer ${SECRETS.token}` } },
        { url: `http://agent:${SECRETS.password}@127.0.0.1:${port}/mcp?api_key=${SECRETS.apiKey}`, headers: { 'x-api-token': `Bearer ${SECRETS.token}` } },
        { command: process.execPath, args: ['-e', 'process.exit(3)', '--api-key', SECRETS.apiKey], env: { SERVICE_TOKEN: SECRETS.env } },
      ],
    },
  });
  cleanups.push(async () => {
    await c.close();
    await manager.stop();
  });
  return { client: c, lines };
}

function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

describe('ResilientMCPClient never shows a configured secret', () => {
  it('in inspect and JSON of the client and its resolved options', async () => {
    const { client: c } = await client();
    const shown = [inspect(c, { depth: 12, showHidden: true }), inspect(c.options.servers, { depth: 12, showHidden: true }), JSON.stringify(c), JSON.stringify([...c.options.servers.values()])];
    expect(shown.join('\n')).toContain('McpServer(http http://***:***@127.0.0.1');
    expectNoSecret(shown.join('\n'));
  });

  it('in the error and the log lines of calls to endpoints that echo the request back, refuse the connection or die', async () => {
    const { client: c, lines } = await client();
    const error = await c.callTool('tools', 'echo', { text: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).toMatch(/401/); // the echo reached the logs, redacted
    expectNoSecret([everythingOf(error), ...lines].join('\n'));
  });
});
