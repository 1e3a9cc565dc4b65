import pg from 'pg';

/** The PostgreSQL server on this machine (trust auth); `RAMPART_TEST_PG_URL` overrides it. */
export const ADMIN_URL = process.env.RAMPART_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Connection string of a test database on the same server. */
export function databaseUrl(database: string, auth = 'postgres'): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  if (auth !== 'postgres') {
    const [user, password] = auth.split(':');
    url.username = user!;
    url.password = password ?? '';
  }
  return url.toString();
}

export async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** (Re)create an empty database and run `setupSql` in it. */
export async function createDatabase(name: string, setupSql = ''): Promise<void> {
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  });
  if (setupSql) {
    const client = new pg.Client({ connectionString: databaseUrl(name) });
    await client.connect();
    try {
      await client.query(setupSql);
    } finally {
      await client.end();
    }
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

/** Kill every backend connected to `database` (what a crashing primary does to its clients); returns how many. */
export async function terminateBackends(database: string): Promise<number> {
  return admin(async (c) => {
    const r = await c.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return r.rowCount ?? 0;
  });
}

/** Backends of `database` currently running `queryPrefix`. */
export async function activeQueries(database: string, queryPrefix: string): Promise<number> {
  return admin(async (c) => {
    const r = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE $2", [database, `${queryPrefix}%`]);
    return (r.rows[0] as { n: number }).n;
  });
}
