// Test support: running the PostgreSQL server binaries (as the `postgres` OS user when this process
// is root), spare loopback ports and postgresql.conf lines, for PgCluster.
import { execFile, execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where the PostgreSQL server binaries are. `RAMPART_PG_BIN` overrides it. */
export const PG_BIN = process.env.RAMPART_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let owner: { uid: number; gid: number } | undefined;

export function postgresUser(): { uid: number; gid: number } {
  owner ??= {
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  };
  return owner;
}

/** The command line that runs a server binary (or `cp`) as the `postgres` OS user (directly when not root). */
function command(binary: string, args: string[]): [string, string[]] {
  const path = binary === 'cp' ? 'cp' : join(PG_BIN, binary);
  return isRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

/** Run a server binary; rejects with its stderr. */
export async function pgBin(binary: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const [file, argv] = command(binary, args);
  try {
    const { stdout } = await run(file, argv, { timeout: timeoutMs, cwd: tmpdir() });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** `cp -a` as the postgres user: the owner and the 0700 mode PostgreSQL insists on are kept. */
export async function copyAsPostgres(from: string, to: string): Promise<void> {
  await run(...command('cp', ['-a', from, to]));
}

/** The same, synchronously and best effort (for exit hooks). */
export function pgBinSync(binary: string, args: string[]): void {
  const [file, argv] = command(binary, args);
  try {
    execFileSync(file, argv, { stdio: 'ignore', timeout: 30_000, cwd: tmpdir() });
  } catch {
    // cleanup: best effort
  }
}


/** postgresql.conf lines. */
export const conf = (settings: Readonly<Record<string, string | number>>) =>
  Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
