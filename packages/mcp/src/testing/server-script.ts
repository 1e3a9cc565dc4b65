import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * Source of the MCP test server: a CommonJS script run with `node`, built with the SDK's McpServer.
 * It is generated (not shipped as a file) so that it resolves the SDK and zod that this package
 * depends on, by absolute path, wherever the package is installed or run from sources.
 *
 * `node mcp-test-server.cjs <id> <stateDir> stdio`
 * `node mcp-test-server.cjs <id> <stateDir> http <port> [token]` prints `{"port":N}` when listening.
 *
 * State directory: while `<stateDir>/down` exists the server exits at start (cannot connect);
 * `<stateDir>/latency-ms` holds a delay added before every message it sends (read on each send);
 * `<stateDir>/pids/<pid>` exists while a process runs (a process exits at once when `pids/` is gone).
 */
function scriptSource(paths: Readonly<Record<'mcp' | 'stdio' | 'http' | 'zod', string>>): string {
  const req = (p: string) => `require(${JSON.stringify(p)})`;
  return `'use strict';
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const crypto = require('node:crypto');
const { McpServer } = ${req(paths.mcp)};
const z = ${req(paths.zod)};

const [id, stateDir, mode, portArg, token] = process.argv.slice(2);
if (fs.existsSync(path.join(stateDir, 'down'))) {
  process.stderr.write('mcp test server ' + id + ' is down\\n');
  process.exit(1);
}
const pidFile = path.join(stateDir, 'pids', String(process.pid));
try {
  fs.writeFileSync(pidFile, '');
} catch {
  process.exit(1); // the state directory is gone: the test server was closed
}
process.on('exit', () => { try { fs.unlinkSync(pidFile); } catch {} });
process.on('SIGTERM', () => process.exit(0));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function latencyMs() {
  try { return Number(fs.readFileSync(path.join(stateDir, 'latency-ms'), 'utf8')) || 0; } catch { return 0; }
}
function delaySends(transport) {
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    const ms = latencyMs();
    if (ms > 0) await sleep(ms);
    return send(message, options);
  };
  return transport;
}
const answer = (structured) => ({ content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured });

function buildServer() {
  const server = new McpServer({ name: 'rampart-mcp-test-server-' + id, version: '1.0.0' });
  server.registerTool('echo', {
    description: 'Echo the text back, naming the server that answered',
    inputSchema: { text: z.string() },
  }, async ({ text }) => answer({ server: id, text }));
  server.registerTool('query', {
    description: 'Pretend to run a SQL query; answers one row naming the server',
    inputSchema: { sql: z.string() },
  }, async ({ sql }) => answer({ server: id, sql, rows: [{ server: id }] }));
  server.registerTool('sleep', {
    description: 'Answer after ms milliseconds',
    inputSchema: { ms: z.number().int().min(0) },
  }, async ({ ms }) => { await sleep(ms); return answer({ server: id, sleptMs: ms }); });
  server.registerTool('fail', {
    description: 'Answer with a tool error (isError)',
    inputSchema: { message: z.string() },
  }, async ({ message }) => ({ isError: true, content: [{ type: 'text', text: id + ': ' + message }] }));
  server.registerTool('crash', {
    description: 'Exit the server process while the call is in flight',
  }, async () => { setImmediate(() => process.exit(3)); return new Promise(() => {}); });
  server.registerTool('getenv', {
    description: 'Whether an environment variable is set, and its length',
    inputSchema: { name: z.string() },
  }, async ({ name }) => answer({ server: id, set: name in process.env, length: (process.env[name] || '').length }));
  return server;
}

if (mode === 'stdio') {
  const { StdioServerTransport } = ${req(paths.stdio)};
  buildServer().connect(delaySends(new StdioServerTransport()));
} else {
  const { StreamableHTTPServerTransport } = ${req(paths.http)};
  const sessions = new Map();
  const httpServer = http.createServer(async (req, res) => {
    try {
      if (!req.url || !req.url.startsWith('/mcp')) { res.writeHead(404).end(); return; }
      if (token && req.headers.authorization !== 'Bearer ' + token) {
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
        return;
      }
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (sessionId !== undefined) {
          res.writeHead(404, { 'content-type': 'application/json' })
            .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null }));
          return;
        }
        transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => crypto.randomUUID(),
          onsessioninitialized: (sid) => sessions.set(sid, transport),
        });
        const created = transport;
        created.onclose = () => { if (created.sessionId) sessions.delete(created.sessionId); };
        await buildServer().connect(delaySends(created));
      }
      await transport.handleRequest(req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error && error.message));
    }
  });
  httpServer.listen(Number(portArg) || 0, '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({ port: httpServer.address().port }) + '\\n');
  });
}
`;
}

/** Write the test server script into `dir` and return its path. */
export async function writeServerScript(dir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const file = join(dir, 'mcp-test-server.cjs');
  const source = scriptSource({
    mcp: require.resolve('@modelcontextprotocol/sdk/server/mcp.js'),
    stdio: require.resolve('@modelcontextprotocol/sdk/server/stdio.js'),
    http: require.resolve('@modelcontextprotocol/sdk/server/streamableHttp.js'),
    zod: require.resolve('zod'),
  });
  await writeFile(file, source, { mode: 0o600 });
  return file;
}
