import type { ServerState } from './server-state.js';

/**
 * What the stdio and HTTP MCP test servers share: an id, a state directory (the generated script,
 * the `down` marker, the latency file), and the controls built on it.
 */
export abstract class McpTestServer {
  readonly id: string;
  protected readonly state: ServerState;

  protected constructor(id: string, state: ServerState) {
    this.id = id;
    this.state = state;
  }

  /** End the server's running process(es) (SIGKILL by default); resolves once they are gone. */
  abstract kill(signal?: NodeJS.Signals): Promise<unknown>;

  /** While down, a newly started server process exits at once, so connecting fails. */
  setDown(down: boolean): Promise<void> {
    return this.state.setDown(down);
  }

  /** Delay before every message the server sends, in ms; applies at once to running processes. */
  setLatencyMs(ms: number): Promise<void> {
    return this.state.setLatencyMs(ms);
  }

  /** Kill the running process(es) and remove the temporary directory. */
  async close(): Promise<void> {
    await this.kill();
    await this.state.remove();
  }
}
