import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, unlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '@rampart/core/testing';

/**
 * The MCP reference server `@modelcontextprotocol/server-everything` (a devDependency), run as it
 * ships: `node dist/index.js stdio` or `node dist/index.js streamableHttp` with `PORT`. Nothing here
 * changes what the server does; these helpers only start it, kill it and keep it from starting.
 */
export const EVERYTHING_ENTRY = createRequire(import.meta.url).resolve('@modelcontextprotocol/server-everything/dist/index.js');

const POLL_MS = 10;
const GIVE_UP_MS = 10_000;

async function waitUntil(done: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + GIVE_UP_MS;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * A stdio reference server. The client under test spawns `endpoint`: node running a symlink to the
 * real entry point, so the test can find the processes started from it (their command line names
 * the link) and keep new ones from starting (`setDown(true)` removes the link: node exits at once
 * with "Cannot find module", as a server whose process dies at start does).
 */
export class EverythingStdio {
  readonly endpoint: Readonly<{ command: string; args: string[] }>;

  private constructor(
    readonly dir: string,
    readonly link: string,
  ) {
    this.endpoint = Object.freeze({ command: process.execPath, args: [link, 'stdio'] });
  }

  static async create(): Promise<EverythingStdio> {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-everything-'));
    const link = join(dir, 'everything.js');
    await symlink(EVERYTHING_ENTRY, link);
    return new EverythingStdio(dir, link);
  }

  /** Pids of the live processes started from this endpoint (a reaped or zombie process has no command line). */
  async pids(): Promise<number[]> {
    const pids: number[] = [];
    for (const name of await readdir('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.split('\0').includes(this.link)) pids.push(Number(name));
    }
    return pids;
  }

  /** While down, a process started from the endpoint exits at once. */
  async setDown(down: boolean): Promise<void> {
    if (down) await unlink(this.link).catch(() => undefined);
    else await symlink(EVERYTHING_ENTRY, this.link).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(e)));
  }

  /** SIGKILL every running process of this server; resolves once they are gone, with when the signal was sent (performance.now()). */
  async kill(): Promise<number> {
    const pids = await this.pids();
    const sentAt = performance.now();
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await waitUntil(async () => (await this.pids()).length === 0, `everything stdio ${pids.join(', ')} to exit`);
    return sentAt;
  }

  async close(): Promise<void> {
    await this.setDown(true);
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}


/**
 * A streamable HTTP reference server (`node dist/index.js streamableHttp`, port from `PORT`), in its
 * own child process. The server binds every interface (express's `app.listen(PORT)`); the client
 * reaches it on 127.0.0.1. `kill()` SIGKILLs it (connections are refused), `restart()` starts a new
 * process on the same port (sessions of the old one are gone).
 */
export class EverythingHttp {
  #child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/mcp`;
  }

  get endpoint(): Readonly<{ url: string }> {
    return { url: this.url };
  }

  /** Start on a spare loopback port (a port taken between the pick and the start is picked again). */
  static async start(): Promise<EverythingHttp> {
    for (let attempt = 1; ; attempt++) {
      const server = new EverythingHttp(await freePort());
      try {
        await server.restart();
        return server;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  get pid(): number | undefined {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  /** Start the server process (again) on this port; resolves once it listens. */
  async restart(): Promise<void> {
    if (this.pid !== undefined) throw new Error('the everything HTTP server is running');
    const child = spawn(process.execPath, [EVERYTHING_ENTRY, 'streamableHttp'], {
      env: { ...process.env, PORT: String(this.port) },
      stdio: ['ignore', 'ignore', 'pipe'], // it logs every request on stdout
    });
    this.#child = child;
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`everything streamableHttp exited (${code}) before listening: ${stderr.trim()}`));
      child.once('exit', onExit);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
        if (/listening on port/i.test(stderr)) {
          child.off('exit', onExit);
          resolve();
        }
      });
    });
    child.stderr!.resume();
  }

  /** SIGKILL the server process; resolves once it has exited, with when the signal was sent (performance.now()). */
  async kill(): Promise<number> {
    const child = this.#child;
    const sentAt = performance.now();
    if (!child || this.pid === undefined) return sentAt;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    return sentAt;
  }

  async close(): Promise<void> {
    await this.kill();
    this.#child?.stderr?.destroy();
    this.#child = undefined;
  }
}
