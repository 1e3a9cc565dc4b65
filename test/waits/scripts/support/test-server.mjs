// A test server (the LLM mock provider server or an HTTP MCP test server) in an unref()ed worker
// thread, so that it does not hold the script's event loop: only the script's own waits may.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Start `kind` in a worker: 'llm' (the mock provider server, with `faults` queued per provider
 * name, `{ openai: [...] }`; provider `p` answers at `${url}/p/v1`) or 'mcp' (an HTTP MCP test
 * server). Resolves with `{ url, ask, close }`: `ask(command)` sends the worker a command and
 * resolves with its reply ('count': requests the LLM server received; 'kill' or 'restart' the MCP
 * server's process, or 'blip': kill it and restart it 300 ms later); `close()` stops the server
 * and the worker.
 */
export async function startTestServer(kind, options = {}) {
  const worker = new Worker(new URL('./test-server-worker.mjs', import.meta.url), { workerData: { kind, ...options } });
  // held while the script waits for an answer, released afterwards
  const ask = async (command) => {
    worker.ref();
    if (command !== undefined) worker.postMessage(command);
    const [reply] = await once(worker, 'message'); // rejects if the worker fails
    worker.unref();
    return reply;
  };
  const url = await ask();
  return {
    url,
    ask,
    close: async () => {
      const exited = once(worker, 'exit'); // before asking: the exit may come with the last message
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
