import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createStdioMcpServer, startHttpMcpServer, type HttpMcpServer, type StdioMcpServer } from './index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function newClient(): Client {
  const client = new Client({ name: 'test', version: '1.0.0' });
  cleanups.push(() => client.close());
  return client;
}

async function stdio(id: string, env?: Record<string, string>): Promise<StdioMcpServer> {
  const server = await createStdioMcpServer(env ? { id, env } : { id });
  cleanups.push(() => server.close());
  return server;
}

async function http(id: string, token?: string): Promise<HttpMcpServer> {
  const server = await startHttpMcpServer(token ? { id, token } : { id });
  cleanups.push(() => server.close());
  return server;
}

describe('stdio MCP test server', () => {
  it('answers the tools naming the server, and dies when killed', async () => {
    const server = await stdio('primary', { RAMPART_TEST_VAR: 'abc' });
    const client = newClient();
    await client.connect(new StdioClientTransport({ ...server.endpoint, stderr: 'pipe' }));
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(['crash', 'echo', 'fail', 'getenv', 'query', 'sleep']);
    const echo = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(echo.structuredContent).toEqual({ server: 'primary', text: 'hi' });
    const env = await client.callTool({ name: 'getenv', arguments: { name: 'RAMPART_TEST_VAR' } });
    expect(env.structuredContent).toEqual({ server: 'primary', set: true, length: 3 });

    const [pid] = await server.pids();
    expect(pid).toBeGreaterThan(0);
    let closed = false;
    client.onclose = () => {
      closed = true;
    };
    expect(await server.kill()).toEqual([pid]);
    expect(await server.pids()).toEqual([]);
    await expect(client.ping({ timeout: 5_000 })).rejects.toThrow();
    expect(closed).toBe(true);
  });

  it('exits at start while down, so connecting fails', async () => {
    const server = await stdio('down');
    await server.setDown(true);
    const client = newClient();
    await expect(client.connect(new StdioClientTransport({ ...server.endpoint, stderr: 'pipe' }))).rejects.toThrow();
    await server.setDown(false);
    const again = newClient();
    await again.connect(new StdioClientTransport({ ...server.endpoint, stderr: 'pipe' }));
    await expect(again.ping()).resolves.toEqual({});
  });
});

describe('streamable HTTP MCP test server', () => {
  it('answers on 127.0.0.1, loses its sessions when killed, and restarts on the same port', async () => {
    const server = await http('secondary');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = newClient();
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    const result = await client.callTool({ name: 'query', arguments: { sql: 'select 1' } });
    expect(result.structuredContent).toEqual({ server: 'secondary', sql: 'select 1', rows: [{ server: 'secondary' }] });

    const port = server.port;
    await server.kill();
    expect(server.running).toBe(false);
    await expect(client.ping({ timeout: 5_000 })).rejects.toThrow();

    await server.restart();
    expect(server.port).toBe(port);
    // the old session is gone: the server answers 404, a new connection works
    await expect(client.ping({ timeout: 5_000 })).rejects.toThrow(/404|Session not found/);
    const fresh = newClient();
    await fresh.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await expect(fresh.ping()).resolves.toEqual({});
  });

  it('requires the bearer token when given one', async () => {
    const server = await http('secure', 'secret-token-123');
    const denied = newClient();
    await expect(denied.connect(new StreamableHTTPClientTransport(new URL(server.url)))).rejects.toMatchObject({ code: 401 });
    const allowed = newClient();
    await allowed.connect(
      new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { authorization: 'Bearer secret-token-123' } },
      }),
    );
    await expect(allowed.ping()).resolves.toEqual({});
  });
});
