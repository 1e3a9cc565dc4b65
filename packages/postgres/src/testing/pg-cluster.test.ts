// PgCluster cleans up after itself: servers stopped and directories removed on destroy(), and also
// when its process exits without destroy(), dies of an uncaught error or a SIGTERM; a process killed
// outright (SIGKILL) leaves its directory to the next PgCluster of any process, which removes it.
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runChild } from '../../../../test/support/child-process.js';
import { PgCluster } from './pg-cluster.js';

const loader = fileURLToPath(new URL('../../../../test/support/register-swc-loader.mjs', import.meta.url));
const child = fileURLToPath(new URL('./__fixtures__/cluster-child.ts', import.meta.url));

/** Whether something accepts connections on the loopback port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

/** Whether `port` accepts connections within `ms` (tried every 100 ms). */
async function listeningWithin(port: number, ms: number): Promise<boolean> {
  for (let waited = 0; ; waited += 100) {
    if (await listening(port)) return true;
    if (waited >= ms) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startChild(how: string) {
  const proc = runChild(['--import', loader, child, how]);
  const made = JSON.parse(await proc.line(/^\{/)) as { dir: string; ports: number[] };
  // this test is about cleanup, not start-up: a server the child reported may still be opening its
  // socket on a loaded machine (seen once in a two-worker CI run), so allow it a few seconds
  for (const port of made.ports) expect(await listeningWithin(port, 5_000)).toBe(true);
  return { proc, ...made };
}

async function expectGone(dir: string, ports: number[]) {
  expect(existsSync(dir)).toBe(false);
  for (const port of ports) expect(await listening(port)).toBe(false);
}

describe('PgCluster', () => {
  it('streams from the primary to a hot standby; destroy() stops both and removes the directory', async () => {
    const cluster = await PgCluster.create({ standbys: 1 });
    try {
      await cluster.sql('primary', 'CREATE TABLE t (x int); INSERT INTO t VALUES (42)');
      await cluster.waitForReplay('standby1');
      expect(await cluster.sql('standby1', 'SELECT x, pg_is_in_recovery() AS standby FROM t')).toEqual([{ x: 42, standby: true }]);
    } finally {
      await cluster.destroy();
    }
    await expectGone(cluster.dir, cluster.servers.map((s) => s.port));
  }, 30_000);

  it.each(['exit', 'throw'])('cleans up when its process ends without destroy() (%s)', async (how) => {
    const { proc, dir, ports } = await startChild(how);
    await proc.exited;
    await expectGone(dir, ports);
  }, 30_000);

  it('cleans up on SIGTERM; after a SIGKILL the next PgCluster removes what was left', async () => {
    const term = await startChild('wait');
    term.proc.kill('SIGTERM');
    expect((await term.proc.exited).signal).toBe('SIGTERM');
    await expectGone(term.dir, term.ports);

    const killed = await startChild('wait');
    killed.proc.kill('SIGKILL');
    await killed.proc.exited;
    expect(existsSync(killed.dir)).toBe(true);
    const next = await startChild('exit'); // a new process: its first PgCluster sweeps orphans
    await next.proc.exited;
    await expectGone(killed.dir, killed.ports);
  }, 60_000);
});
