// Started-then-stopped clients: a ResilientLLM (its own manager, started by the first call), a
// ResilientPool with its monitor (real PostgreSQL) and a ResilientMCPClient each answer a call;
// after close()/end() and the manager's stop() nothing holds the process.
import { ResilienceManager } from '@rampart/core';
import { ResilientLLM } from '@rampart/llm';
import { ResilientMCPClient } from '@rampart/mcp';
import { ResilientPool } from '@rampart/postgres';
import { startTestServer } from './support/test-server.mjs';

const llmServer = await startTestServer('llm');
const mcpServer = await startTestServer('mcp');
const manager = new ResilienceManager('waits-clients', { checkIntervalMs: 60_000 });
const llm = new ResilientLLM({ providers: [{ name: 'openai', kind: 'openai', model: 'gpt-4o', apiKey: 'sk-waits', baseURL: `${llmServer.url}/openai/v1` }] });
const db = new ResilientPool({ manager, primary: 'postgres://postgres@127.0.0.1:5432/test' });
const mcp = new ResilientMCPClient({ manager, servers: { tools: [{ url: mcpServer.url }] } });
try {
  await manager.start();
  console.log((await llm.invoke('hello')).text);
  console.log((await db.query('SELECT 1 AS one')).rows[0].one);
  console.log((await mcp.callTool('tools', 'echo', { text: 'hello' })).structuredContent.text);
} finally {
  await llm.close();
  await mcp.close();
  await db.end();
  await manager.stop();
  await llmServer.close();
  await mcpServer.close();
}
console.log('stopped');
