import { mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeServerScript } from './server-script.js';

/** True while a process with this pid exists (a reaped child no longer does). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const POLL_MS = 10;
const MAX_POLLS = 1000;

/** Wait until none of `pids` exists any more. Polls; gives up loudly rather than hanging a test. */
export async function waitForExit(pids: readonly number[]): Promise<void> {
  for (let i = 0; i < MAX_POLLS; i++) {
    if (!pids.some(isAlive)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`MCP test server processes ${pids.join(', ')} did not exit`);
}

/**
 * The temporary directory an MCP test server runs from: the generated script, the `down` marker,
 * the `latency-ms` file and the `pids/` registry (see server-script.ts).
 */
export class ServerState {
  private constructor(
    readonly dir: string,
    readonly script: string,
  ) {}

  static async create(): Promise<ServerState> {
    const dir = await mkdtemp(join(tmpdir(), 'rampart-mcp-'));
    await mkdir(join(dir, 'pids'));
    return new ServerState(dir, await writeServerScript(dir));
  }

  /** While down, a process started from this state exits at once with status 1. */
  async setDown(down: boolean): Promise<void> {
    const file = join(this.dir, 'down');
    if (down) await writeFile(file, '');
    else await unlink(file).catch(() => undefined);
  }

  /** Delay before every message the server sends (answers to pings and tool calls), in ms. */
  async setLatencyMs(ms: number): Promise<void> {
    await writeFile(join(this.dir, 'latency-ms'), String(ms));
  }

  /** Pids of running processes started from this state; forgets the ones that died. */
  async pids(): Promise<number[]> {
    const names = await readdir(join(this.dir, 'pids')).catch(() => [] as string[]);
    const alive: number[] = [];
    for (const name of names) {
      const pid = Number(name);
      if (isAlive(pid) && (await this.#runsScript(pid))) alive.push(pid);
      else await unlink(join(this.dir, 'pids', name)).catch(() => undefined);
    }
    return alive;
  }

  /** Guards against a recycled pid: on Linux, the process must be running this state's script. */
  async #runsScript(pid: number): Promise<boolean> {
    if (process.platform !== 'linux') return true;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    return cmdline === undefined || cmdline.split('\0').includes(this.script);
  }

  /** Kill every running process started from this state and wait until they are gone. */
  async killAll(signal: NodeJS.Signals): Promise<number[]> {
    const pids = await this.pids();
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    await waitForExit(pids);
    await this.pids();
    return pids;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
