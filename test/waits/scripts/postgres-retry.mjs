// ResilientPool retries: the first attempt's connection is terminated by the server (57P01, a
// transient failure), the manager's RETRY step runs the query again on a new connection.
import { ResilienceManager } from '@rampart/core';
import { ResilientPool } from '@rampart/postgres';

const url = 'postgres://postgres@127.0.0.1:5432/test';
const manager = new ResilienceManager('waits-postgres', { retry: { baseDelayMs: 100, maxDelayMs: 100 } });
const steps = [];
manager.onFallbackStep((step) => void steps.push(`${step.strategy} ${step.outcome}`));
const db = new ResilientPool({ manager, primary: url, monitor: false });
const seq = `rampart_waits_${process.pid}`;
try {
  await db.query(`CREATE SEQUENCE ${seq}`);
  // nextval is not transactional: the second attempt sees 2 and answers
  const sql = `SELECT CASE WHEN nextval('${seq}') = 1 THEN pg_terminate_backend(pg_backend_pid())::int ELSE 42 END AS answer`;
  const { rows } = await db.query(sql, [], { readOnly: true });
  console.log(rows[0].answer, steps.join(', '));
} finally {
  await db.query(`DROP SEQUENCE IF EXISTS ${seq}`).catch(() => undefined);
  await db.end();
  await manager.stop();
}
