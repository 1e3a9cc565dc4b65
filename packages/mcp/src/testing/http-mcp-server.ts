import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { McpTestServer } from './mcp-test-server.js';
import { ServerState } from './server-state.js';

/** Options of {@link startHttpMcpServer}. */
export interface HttpMcpServerOptions {
  /** Name the server's answers carry (`{ server: id }`), e.g. `'secondary'`. */
  id: string;
  /** Port on 127.0.0.1. Default 0: a free port, kept across `restart()`. */
  port?: number;
  /** When set, every request must carry `Authorization: Bearer <token>` (else HTTP 401). */
  token?: string;
  /** Delay before every message the server sends, in ms. Default 0. */
  latencyMs?: number;
}

/**
 * A real MCP server (the SDK's McpServer over streamable HTTP, with sessions) in a child process on
 * 127.0.0.1, for tests. It answers the tools `echo`, `query`, `sleep`, `fail`, `crash` and `getenv`,
 * naming `id` in its answers. `kill()` ends the process (sessions are lost, as in a real crash);
 * `restart()` starts a new one on the same port.
 */
export class HttpMcpServer extends McpTestServer {
  readonly #token: string | undefined;
  #port: number;
  #child: ChildProcess | undefined;

  private constructor(options: HttpMcpServerOptions, state: ServerState) {
    super(options.id, state);
    this.#token = options.token;
    this.#port = options.port ?? 0;
  }

  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:<port>/mcp` */
  get url(): string {
    return `http://127.0.0.1:${this.#port}/mcp`;
  }

  /** Pass as an endpoint: `{ url }`. */
  get endpoint(): { url: string } {
    return { url: this.url };
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Start the server process (again); resolves once it listens. */
  async restart(): Promise<void> {
    if (this.#child) return;
    const args = [this.state.script, this.id, this.state.dir, 'http', String(this.#port)];
    if (this.#token) args.push(this.#token);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stderr!.resume();
    const lines = createInterface({ input: child.stdout! });
    const exited = once(child, 'exit').then(([code]) => {
      throw new Error(`MCP test server ${this.id} exited with ${String(code)} before listening`);
    });
    try {
      const [line] = (await Promise.race([once(lines, 'line'), exited])) as [string];
      this.#port = (JSON.parse(line) as { port: number }).port;
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    } finally {
      lines.close();
      exited.catch(() => undefined);
    }
    child.stdout!.resume();
    this.#child = child;
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });
  }

  /** Kill the server process (SIGKILL by default) and wait until it is gone. */
  override async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /** @internal */
  static async start(options: HttpMcpServerOptions): Promise<HttpMcpServer> {
    const state = await ServerState.create();
    if (options.latencyMs) await state.setLatencyMs(options.latencyMs);
    const server = new HttpMcpServer(options, state);
    try {
      await server.restart();
    } catch (error) {
      await state.remove();
      throw error;
    }
    return server;
  }
}

/** Start a streamable-HTTP MCP test server on 127.0.0.1 (port 0 by default). */
export function startHttpMcpServer(options: HttpMcpServerOptions): Promise<HttpMcpServer> {
  return HttpMcpServer.start(options);
}
