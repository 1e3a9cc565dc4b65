// The worker of test-server.mjs: runs one test server and answers the script's commands.
import { parentPort, workerData } from 'node:worker_threads';
import { MockProviderServer } from '@rampart/llm/testing';
import { startHttpMcpServer } from '@rampart/mcp/testing';

const { kind, faults = {} } = workerData;
let server;
if (kind === 'llm') {
  server = await MockProviderServer.start();
  for (const [provider, queued] of Object.entries(faults)) server.provider(provider).enqueue(...queued);
  parentPort.postMessage(server.url);
} else {
  server = await startHttpMcpServer({ id: 'waits' });
  parentPort.postMessage(server.url);
}

parentPort.on('message', async (command) => {
  if (command === 'kill') await server.kill();
  if (command === 'restart') await server.restart();
  // down now, back in 300 ms (while the script is already waiting to retry)
  if (command === 'blip') await server.kill().then(() => void setTimeout(() => void server.restart(), 300));
  if (command === 'close') {
    await server.close();
    parentPort.close(); // the worker ends
    return;
  }
  parentPort.postMessage(command === 'count' ? server.count() : command);
});
