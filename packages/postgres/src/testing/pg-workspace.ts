// Test support: the directories and processes of this process's PgClusters. One initdb per process
// (clusters start from a copy of it); every cluster and the template are removed at process exit, on
// SIGINT/SIGTERM/SIGHUP, and directories left by a process that was killed outright are swept by the
// next process that makes a cluster.
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRoot, pgBin, pgBinSync, postgresUser } from './pg-binaries.js';

const PREFIX = 'rampart-pgcluster-';

/** What the exit hook needs of a cluster. */
export interface Destroyable {
  destroySync(): void;
}

const live = new Set<Destroyable>();
const templateDirs = new Set<string>();
let template: Promise<string> | undefined;
let hooked = false;

/** Track a cluster until {@link forget}: the exit hook destroys it if nobody else did. */
export function track(cluster: Destroyable): void {
  hookExit();
  live.add(cluster);
}

export function forget(cluster: Destroyable): void {
  live.delete(cluster);
}

function cleanupSync(): void {
  for (const c of live) c.destroySync();
  for (const d of templateDirs) rmSync(d, { recursive: true, force: true });
  templateDirs.clear();
  template = undefined;
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanupSync();
      process.kill(process.pid, signal);
    });
  }
}

/** Directories left by processes that died without cleaning up (SIGKILL): stop their servers and remove them. */
function sweepOrphans(): void {
  for (const entry of readdirSync(tmpdir())) {
    const m = /^rampart-pgcluster-(\d+)-/.exec(entry);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || alive(pid)) continue;
    const dir = join(tmpdir(), entry);
    for (const sub of safeList(dir)) {
      if (existsSync(join(dir, sub, 'postmaster.pid'))) pgBinSync('pg_ctl', ['stop', '-D', join(dir, sub), '-m', 'immediate', '-w', '-t', '10']);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** A new directory of this process (named with its pid), owned by the postgres OS user. */
export function makeDir(): string {
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  if (isRoot) {
    const { uid, gid } = postgresUser();
    chownSync(dir, uid, gid);
  }
  return dir;
}

/** The data directory of this process's initdb (made on first use; orphans of dead processes swept first). */
export async function templateDir(): Promise<string> {
  hookExit();
  template ??= (async () => {
    sweepOrphans();
    const dir = makeDir();
    const data = join(dir, 'template');
    templateDirs.add(dir);
    await pgBin('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
    appendFileSync(join(data, 'pg_hba.conf'), 'host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n');
    return data;
  })();
  return template;
}
