// ResilientMCPClient retries: the MCP server's process is down when the call starts and back 300 ms
// later; the manager's RETRY step reaches it after a backoff.
import { ResilienceManager } from '@rampart/core';
import { ResilientMCPClient } from '@rampart/mcp';
import { startTestServer } from './support/test-server.mjs';

const server = await startTestServer('mcp');
const manager = new ResilienceManager('waits-mcp', { retry: { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 1_000 } });
const steps = [];
manager.onFallbackStep((step) => void steps.push(`${step.strategy} ${step.outcome}`));
const mcp = new ResilientMCPClient({ manager, servers: { tools: [{ url: server.url }] } });
try {
  await server.ask('blip');
  const result = await mcp.callTool('tools', 'echo', { text: 'hello' });
  console.log(JSON.stringify(result.structuredContent), steps.join(', '));
} finally {
  await mcp.close();
  await manager.stop();
  await server.close();
}
