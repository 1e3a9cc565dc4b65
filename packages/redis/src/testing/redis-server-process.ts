// Test support (not a test file): a `redis-server` of its own on a spare loopback port, spawned as
// a child process so a fault test can SIGKILL it and start it again on the same port.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** Servers still running, killed when this process exits (a test that failed before its afterAll). */
const running = new Set<RedisServerProcess>();
let exitHook = false;
function killAtExit(server: RedisServerProcess): void {
  running.add(server);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const s of running) s.killNow();
  });
}

/** Options of {@link RedisServerProcess.start}. */
export interface RedisServerOptions {
  /** Default: a spare port. */
  port?: number;
  /** Extra `redis-server` arguments (e.g. `['--cluster-enabled', 'yes']`). */
  args?: string[];
  /**
   * Cluster mode: also give the node a spare cluster bus port of its own (`--cluster-port`; by
   * default Redis takes `port + 10000`, which nothing checked was free).
   */
  clusterBus?: boolean;
}

/** Tries of {@link RedisServerProcess.start} on spare ports when the one picked was taken meanwhile. */
const START_TRIES = 5;

/** A `redis-server` child process on 127.0.0.1, without persistence, in a temporary directory of its own. */
export class RedisServerProcess {
  readonly port: number;
  readonly dir: string;
  readonly #args: string[];
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = '';

  private constructor(port: number, args: string[]) {
    this.port = port;
    this.#args = args;
    this.dir = mkdtempSync(join(tmpdir(), `rampart-redis-${port}-`));
  }

  /** Start a server and wait until it accepts connections. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
    for (let attempt = 1; ; attempt++) {
      const args = [...(options.args ?? []), ...(options.clusterBus ? ['--cluster-port', String(await freePort())] : [])];
      const server = new RedisServerProcess(options.port ?? (await freePort()), args);
      killAtExit(server);
      try {
        await server.restart();
        return server;
      } catch (err) {
        await server.stop();
        // a spare port taken between the check and redis-server's bind: pick again (a given port is not ours to change)
        if (options.port !== undefined || attempt >= START_TRIES || !/Address already in use/.test(String(err))) throw err;
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** Start it (again, on the same port) and wait until it answers; no-op while it runs. */
  async restart(): Promise<void> {
    if (this.#child) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', this.dir, ...this.#args];
    const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    this.#output = '';
    child.stdout!.setEncoding('utf8').on('data', (t: string) => (this.#output += t));
    child.stderr!.setEncoding('utf8').on('data', (t: string) => (this.#output += t));
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.#exited.then(() => {
      if (this.#child === child) this.#child = undefined;
    });
    // "Ready to accept connections" is printed once it listens (it may take a few retries if the port was just freed)
    while (!/Ready to accept connections/.test(this.#output)) {
      if (this.#child !== child) throw new Error(`redis-server on port ${this.port} exited:\n${this.#output}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** SIGKILL it (no shutdown, no goodbye to clients) and wait until it has exited. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.#exited;
  }

  /** Kill it for good and remove its directory. */
  async stop(): Promise<void> {
    await this.kill();
    running.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** @internal Synchronous kill at process exit. */
  killNow(): void {
    this.#child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
