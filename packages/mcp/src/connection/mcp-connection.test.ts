import { afterEach, describe, expect, it } from 'vitest';
import { resolveMcpServerConfig } from '../endpoint/mcp-server-config.js';
import { McpServerError } from '../errors/mcp-server-error.js';
import { createStdioMcpServer, startHttpMcpServer } from '../testing/index.js';
import { McpConnection } from './mcp-connection.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function connect(config: unknown, label = 'test'): McpConnection {
  const connection = new McpConnection(resolveMcpServerConfig('server', config), { label });
  cleanups.push(() => connection.close());
  return connection;
}

const ping = { timeoutMs: 10_000 };

describe('McpConnection', () => {
  it('shares one connection attempt between concurrent requests', async () => {
    const server = await createStdioMcpServer({ id: 'one' });
    cleanups.push(() => server.close());
    const connection = connect(server.endpoint);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => connection.request('ping', (client, options) => client.ping(options), ping)),
    );
    expect(results.filter((r) => r.fresh)).toHaveLength(5); // all waited for the same, new connection
    expect(await server.pids()).toHaveLength(1);
    expect((await connection.request('ping', (c, o) => c.ping(o), ping)).fresh).toBe(false);
    expect(connection.serverCapabilities?.tools).toBeDefined();
  });

  it('drops a connection broken by a dead server and reconnects on the next request', async () => {
    const server = await startHttpMcpServer({ id: 'h' });
    cleanups.push(() => server.close());
    const connection = connect(server.endpoint, 'db/primary');
    await connection.request('ping', (c, o) => c.ping(o), ping);
    await server.kill();
    const error = await connection.request('ping', (c, o) => c.ping(o), ping).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpServerError);
    // the lost event stream may already have marked the connection stale: then reconnecting is what fails
    expect(error).toMatchObject({ server: 'db/primary', operation: expect.stringMatching(/^(ping|connect)$/), rampartClassification: { kind: 'transient' } });
    expect(connection.connected).toBe(false);
    await server.restart();
    const again = await connection.request('tools/call echo', (c, o) => c.callTool({ name: 'echo', arguments: { text: 'x' } }, undefined, o), ping);
    expect(again.fresh).toBe(true);
    expect(again.value.structuredContent).toEqual({ server: 'h', text: 'x' });
  });

  it('refuses requests once closed, with a permanent error', async () => {
    const connection = connect({ command: process.execPath, args: ['-e', ''] });
    await connection.close();
    await expect(connection.request('ping', (c, o) => c.ping(o), ping)).rejects.toMatchObject({
      rampartClassification: { kind: 'permanent', scope: 'request' },
    });
  });

  it('names the server’s last stderr line when it exits while connecting', async () => {
    const connection = connect({ command: process.execPath, args: ['-e', 'console.error("boom: bad config"); process.exit(2)'] }, 'crashy');
    await expect(connection.request('ping', (c, o) => c.ping(o), ping)).rejects.toThrow(/MCP server crashy: connect failed: .*\(stderr: boom: bad config\)/);
  });
});
