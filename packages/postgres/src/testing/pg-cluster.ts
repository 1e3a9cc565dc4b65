// Test support: a throwaway PostgreSQL primary with streaming hot standbys on spare loopback ports,
// made with the server binaries on this machine (initdb, pg_ctl, pg_basebackup), run as the
// `postgres` OS user when the process is root. Every server and directory is removed by destroy(),
// and by a process exit hook if a test never gets there.
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '@rampart/core/testing';
import { conf, copyAsPostgres, pgBin, pgBinSync } from './pg-binaries.js';
import { forget, makeDir, templateDir, track } from './pg-workspace.js';

export { PG_BIN } from './pg-binaries.js';

export interface PgClusterOptions {
  /** Hot standbys streaming from the primary. Default 1. */
  standbys?: number;
  /** Extra postgresql.conf settings for every server. */
  settings?: Readonly<Record<string, string | number>>;
  /**
   * The primary waits for a standby to confirm each commit (`synchronous_standby_names = '*'`, set on
   * the primary only, after the standbys are made): no acknowledged write is lost when it dies. Default false.
   */
  synchronous?: boolean;
}

/** One server of a {@link PgCluster}. */
export interface PgServer {
  /** `primary`, `standby1`, `standby2`, … (the role it was created with; promotion does not rename it). */
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  /** Running (as far as this harness knows: started and not stopped by it). */
  running: boolean;
}

type MutableServer = { -readonly [K in keyof PgServer]: PgServer[K] };

const SETTINGS: Readonly<Record<string, string | number>> = {
  listen_addresses: "'127.0.0.1'",
  wal_level: 'replica',
  hot_standby: 'on',
  max_wal_senders: 10,
  wal_keep_size: "'128MB'",
  fsync: 'off',
  full_page_writes: 'off',
  shared_buffers: "'16MB'",
  max_connections: 60,
  wal_receiver_status_interval: "'1s'",
  wal_retrieve_retry_interval: "'200ms'",
  checkpoint_timeout: "'30s'",
  log_min_messages: 'warning',
};

/**
 * A primary and `standbys` streaming hot standbys (`pg_basebackup -R -X stream`), each on its own
 * spare loopback port, trust auth on 127.0.0.1. The primary is a copy of one initdb made once per
 * process; the standbys are real base backups of it.
 *
 * ```ts
 * const cluster = await PgCluster.create({ standbys: 1 });
 * try { … cluster.url('primary') … await cluster.promote('standby1') … } finally { await cluster.destroy(); }
 * ```
 */
export class PgCluster {
  readonly dir: string;
  readonly #servers = new Map<string, PgServer>();
  readonly #settings: Readonly<Record<string, string | number>>;
  #destroyed = false;

  private constructor(dir: string, settings: Readonly<Record<string, string | number>>) {
    this.dir = dir;
    this.#settings = settings;
  }

  static async create(options: PgClusterOptions = {}): Promise<PgCluster> {
    const data = await templateDir();
    const cluster = new PgCluster(makeDir(), { ...SETTINGS, ...options.settings });
    track(cluster);
    try {
      const primaryDir = join(cluster.dir, 'primary');
      await copyAsPostgres(data, primaryDir);
      appendFileSync(join(primaryDir, 'postgresql.conf'), conf({ ...cluster.#settings, unix_socket_directories: `'${cluster.dir}'` }));
      await cluster.#startNew('primary', primaryDir);
      for (let i = 1; i <= (options.standbys ?? 1); i++) await cluster.addStandby(`standby${i}`, 'primary');
      if (options.synchronous) {
        await cluster.sql('primary', "ALTER SYSTEM SET synchronous_standby_names = '*'");
        await cluster.sql('primary', 'SELECT pg_reload_conf()');
      }
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  get servers(): readonly PgServer[] {
    return [...this.#servers.values()];
  }

  server(name: string): PgServer {
    const s = this.#servers.get(name);
    if (!s) throw new Error(`PgCluster has no server "${name}" (it has ${[...this.#servers.keys()].join(', ')})`);
    return s;
  }

  /** Connection string of a server (user postgres, trust auth). */
  url(name: string, database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.server(name).port}/${database}`;
  }

  /** A new standby of `of`, made with `pg_basebackup -R -X stream` and started. */
  async addStandby(name: string, of: string): Promise<PgServer> {
    const source = this.server(of);
    const dataDir = join(this.dir, name);
    rmSync(dataDir, { recursive: true, force: true });
    await pgBin('pg_basebackup', ['-h', '127.0.0.1', '-p', String(source.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '--no-sync', '-c', 'fast']);
    return this.#startNew(name, dataDir);
  }

  /**
   * Start a new server on a spare port. Another process may take the port between the probe and
   * the server's bind: then it tries another (a later `port` line in postgresql.conf wins, so the
   * copied source's port is overridden too).
   */
  async #startNew(name: string, dataDir: string): Promise<PgServer> {
    const server: MutableServer = { name, port: 0, dataDir, running: false };
    this.#servers.set(name, server);
    for (let tries = 1; ; tries++) {
      server.port = await freePort(); // below the ephemeral range: free again when a killed server restarts
      appendFileSync(join(dataDir, 'postgresql.conf'), conf({ port: server.port }));
      try {
        await this.start(name);
        return server;
      } catch (error) {
        if (tries >= 5 || !/could not bind|Address already in use/.test(this.log(name))) throw error;
      }
    }
  }

  async start(name: string): Promise<void> {
    const s = this.server(name);
    await pgBin('pg_ctl', ['start', '-D', s.dataDir, '-l', join(s.dataDir, 'server.log'), '-w', '-t', '60']);
    s.running = true;
  }

  /** `fast`: a clean shutdown; `immediate`: the server dies as in a crash (no shutdown checkpoint). */
  async stop(name: string, mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const s = this.server(name);
    await pgBin('pg_ctl', ['stop', '-D', s.dataDir, '-m', mode, '-w', '-t', '60']);
    s.running = false;
  }

  /** Kill the server (an immediate shutdown: no checkpoint, clients cut at once). */
  kill(name: string): Promise<void> {
    return this.stop(name, 'immediate');
  }

  /** Promote a standby (`pg_ctl promote`, waiting until it accepts writes). */
  async promote(name: string): Promise<void> {
    await pgBin('pg_ctl', ['promote', '-D', this.server(name).dataDir, '-w', '-t', '60']);
  }

  /** Stop, wipe and re-create `name` as a standby of `of` (how a stale primary is rebuilt after a failover). */
  async rebuildAsStandby(name: string, of: string): Promise<void> {
    const s = this.server(name);
    if (s.running) await this.stop(name, 'immediate');
    const port = s.port;
    rmSync(s.dataDir, { recursive: true, force: true });
    const source = this.server(of);
    await pgBin('pg_basebackup', ['-h', '127.0.0.1', '-p', String(source.port), '-U', 'postgres', '-D', s.dataDir, '-R', '-X', 'stream', '--no-sync', '-c', 'fast']);
    appendFileSync(join(s.dataDir, 'postgresql.conf'), conf({ port }));
    await this.start(name);
  }

  /** Run SQL on one server over a fresh connection. */
  async sql<R extends pg.QueryResultRow = pg.QueryResultRow>(name: string, text: string, params?: unknown[], database = 'postgres'): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url(name, database), connectionTimeoutMillis: 10_000 });
    client.on('error', () => {});
    await client.connect();
    try {
      return (await client.query<R>(text, params)).rows;
    } finally {
      await client.end();
    }
  }

  pauseReplay(name: string): Promise<unknown> {
    return this.sql(name, 'SELECT pg_wal_replay_pause()');
  }

  resumeReplay(name: string): Promise<unknown> {
    return this.sql(name, 'SELECT pg_wal_replay_resume()');
  }

  /** Wait until standby `name` has replayed everything `primary` has written so far (polls every 20 ms). */
  async waitForReplay(name: string, primary = 'primary', timeoutMs = 30_000): Promise<void> {
    const [{ lsn }] = (await this.sql<{ lsn: string }>(primary, 'SELECT pg_current_wal_lsn()::text AS lsn')) as [{ lsn: string }];
    const until = Date.now() + timeoutMs;
    for (;;) {
      const [r] = await this.sql<{ ok: boolean }>(name, 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]);
      if (r?.ok) return;
      if (Date.now() > until) throw new Error(`standby ${name} did not replay up to ${lsn} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Stop every server (immediately) and remove the cluster's directory. */
  async destroy(): Promise<void> {
    if (this.#destroyed) return;
    await Promise.all(
      [...this.#servers.values()].map((s) => (existsSync(join(s.dataDir, 'postmaster.pid')) ? this.stop(s.name, 'immediate').catch(() => {}) : undefined)),
    );
    this.#finish();
  }

  /** What the exit hook runs: the same, synchronously. */
  destroySync(): void {
    if (this.#destroyed) return;
    for (const s of this.#servers.values()) {
      if (existsSync(join(s.dataDir, 'postmaster.pid'))) pgBinSync('pg_ctl', ['stop', '-D', s.dataDir, '-m', 'immediate', '-w', '-t', '10']);
    }
    this.#finish();
  }

  /** The server log of `name` (for a failing test's message). */
  log(name: string): string {
    const file = join(this.server(name).dataDir, 'server.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  #finish(): void {
    this.#destroyed = true;
    for (const s of this.#servers.values()) s.running = false;
    rmSync(this.dir, { recursive: true, force: true });
    forget(this);
  }
}
