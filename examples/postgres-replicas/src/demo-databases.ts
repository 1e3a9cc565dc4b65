import pg from 'pg';

/** Names of the example's databases on one PostgreSQL server: a "primary" and a "replica". */
export const PRIMARY_DB = 'rampart_example_primary';
export const REPLICA_DB = 'rampart_example_replica1';

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withClient<T>(url: string, run: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * (Re)create both databases with the same table and rows, as a streaming replica would have
 * them; each also knows its own name, so the demo can show who answered.
 */
export async function createDemoDatabases(adminUrl: string): Promise<void> {
  for (const db of [PRIMARY_DB, REPLICA_DB]) {
    await withClient(adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${db}`);
    });
    await withClient(databaseUrl(adminUrl, db), (c) =>
      c.query(`CREATE TABLE orders (id int PRIMARY KEY, item text);
               INSERT INTO orders VALUES (1, 'keyboard'), (2, 'mouse');
               CREATE VIEW whoami AS SELECT current_database() AS server;`),
    );
  }
}

/** A real outage of the primary: refuse new connections and drop the open ones (or end it). */
export async function setPrimaryDown(adminUrl: string, down: boolean): Promise<void> {
  await withClient(adminUrl, async (c) => {
    await c.query(`ALTER DATABASE ${PRIMARY_DB} ALLOW_CONNECTIONS ${down ? 'false' : 'true'}`);
    if (down) await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [PRIMARY_DB]);
  });
}

export async function dropDemoDatabases(adminUrl: string): Promise<void> {
  await withClient(adminUrl, async (c) => {
    for (const db of [PRIMARY_DB, REPLICA_DB]) await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  });
}
