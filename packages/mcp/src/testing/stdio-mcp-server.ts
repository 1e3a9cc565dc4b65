import { McpTestServer } from './mcp-test-server.js';
import { ServerState } from './server-state.js';

/** Options of {@link createStdioMcpServer}. */
export interface StdioMcpServerOptions {
  /** Name the server's answers carry (`{ server: id }`), e.g. `'primary'`. */
  id: string;
  /** Delay before every message the server sends, in ms. Default 0. */
  latencyMs?: number;
  /** Extra environment for the server process (the client passes it through `env`). */
  env?: Record<string, string>;
}

/** Where a stdio MCP server is started from: pass it as an endpoint (`{ command, args, env }`). */
export interface StdioMcpEndpoint {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * A real MCP server (the SDK's McpServer over stdio) for tests. The client under test spawns it from
 * {@link StdioMcpServer.endpoint}; every spawned process answers the tools `echo`, `query`, `sleep`,
 * `fail`, `crash` and `getenv`, naming `id` in its answers. The test can kill the running
 * processes mid-run, keep new ones from starting (`setDown(true)`), and slow its answers.
 */
export class StdioMcpServer extends McpTestServer {
  readonly endpoint: Readonly<StdioMcpEndpoint>;

  private constructor(id: string, state: ServerState, env: Record<string, string> | undefined) {
    super(id, state);
    const endpoint: StdioMcpEndpoint = { command: process.execPath, args: [state.script, id, state.dir, 'stdio'] };
    if (env) endpoint.env = { ...env };
    this.endpoint = Object.freeze(endpoint);
  }

  /** Pids of the server processes running now (one per connected client). */
  pids(): Promise<number[]> {
    return this.state.pids();
  }

  /** Kill every running process of this server (SIGKILL by default); resolves once they are gone. */
  override kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<number[]> {
    return this.state.killAll(signal);
  }

  /** @internal */
  static async create(options: StdioMcpServerOptions): Promise<StdioMcpServer> {
    const state = await ServerState.create();
    if (options.latencyMs) await state.setLatencyMs(options.latencyMs);
    return new StdioMcpServer(options.id, state, options.env);
  }
}

/** Prepare a stdio MCP test server (nothing runs until a client spawns `endpoint`). */
export function createStdioMcpServer(options: StdioMcpServerOptions): Promise<StdioMcpServer> {
  return StdioMcpServer.create(options);
}
