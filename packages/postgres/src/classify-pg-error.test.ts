import { classifyError } from '@rampart/core';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseUrl } from './__fixtures__/databases.js';
import { classifyPgError } from './classify-pg-error.js';
import { usePgErrorClassifier } from './pg-error-classifier.js';
import { isConnectFailure, queryWithSignal } from './query-with-signal.js';

const pgError = (code: string) => Object.assign(new Error(`error ${code}`), { code });

describe('classifyPgError', () => {
  it.each([
    ['57P01', 'transient', true, true],
    ['08006', 'transient', true, true],
    ['53300', 'transient', true, false],
    ['40001', 'transient', false, false],
    ['40P01', 'transient', false, false],
    ['57014', 'timeout', false, false],
    ['42601', 'permanent', false, false],
    ['23505', 'permanent', false, false],
  ])('SQLSTATE %s → %s (server failure %s, lost %s)', (code, kind, providerFailure, connectionLost) => {
    const v = classifyPgError(pgError(code));
    expect(v.classification.kind).toBe(kind);
    expect(v.providerFailure).toBe(providerFailure);
    expect(v.connectionLost).toBe(connectionLost);
  });

  it('permanent errors of one server carry scope "provider"; bad statements scope "request"', () => {
    for (const code of ['28P01', '28000', '3D000']) {
      expect(classifyPgError(pgError(code)).classification).toEqual({ kind: 'permanent', scope: 'provider' });
    }
    // a read-only standby: unusable for writes only
    expect(classifyPgError(pgError('25006'))).toMatchObject({ classification: { kind: 'permanent', scope: 'operation', operation: 'write' }, providerFailure: true });
    expect(classifyPgError(pgError('42P01')).classification).toEqual({ kind: 'permanent', scope: 'request' });
  });

  it('socket errors, Happy-Eyeballs aggregates and pg’s own messages are lost connections', () => {
    expect(classifyPgError(pgError('ECONNREFUSED'))).toMatchObject({ providerFailure: true, connectionLost: true });
    const aggregate = Object.assign(new AggregateError([pgError('ECONNREFUSED'), pgError('ECONNREFUSED')], ''), {});
    expect(classifyPgError(aggregate).connectionLost).toBe(true);
    expect(classifyPgError(new Error('Connection terminated unexpectedly')).connectionLost).toBe(true);
    expect(classifyPgError(new Error('timeout exceeded when trying to connect')).providerFailure).toBe(true);
  });

  it('anything else is transient and not blamed on the server', () => {
    expect(classifyPgError(new Error('boom'))).toEqual({ classification: { kind: 'transient' }, providerFailure: false, connectionLost: false });
    expect(classifyPgError('weird')).toMatchObject({ providerFailure: false });
  });
});

describe('classifyPgError on connection checkout', () => {
  it('a refused new connection is a server failure whatever its SQLSTATE, except auth and missing database', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl('rampart_no_such_db_x') });
    const error = await queryWithSignal(pool, { text: 'SELECT 1' }, new AbortController().signal).catch((e: unknown) => e);
    await pool.end();
    expect(isConnectFailure(error)).toBe(true);
    expect(classifyPgError(error).classification).toEqual({ kind: 'permanent', scope: 'provider' });
    const notAccepting = pgError('55000');
    expect(classifyPgError(notAccepting, { connectFailure: true })).toMatchObject({ classification: { kind: 'transient' }, providerFailure: true });
    expect(classifyPgError(pgError('55000')).classification.kind).toBe('permanent');
  });
});

describe('classifyPgError and core', () => {
  it('core’s classifyError reads what pg’s errors mean through the registered pg classifier, without changing them', async () => {
    const pool = new pg.Pool({ connectionString: databaseUrl('postgres') });
    const error = await pool.query('SELECT * FROM rampart_no_such_table_x').catch((e: unknown) => e as object);
    await pool.end();
    expect(error).toBeInstanceOf(pg.DatabaseError);
    const keys = Reflect.ownKeys(error);
    expect(classifyError(error)).toEqual({ kind: 'transient' }); // not registered: core alone does not know SQLSTATEs
    const registration = usePgErrorClassifier();
    try {
      expect(classifyError(error)).toEqual({ kind: 'permanent', scope: 'request' });
      expect(classifyError(new Error('not pg'))).toEqual({ kind: 'transient' });
    } finally {
      registration.dispose();
    }
    expect(Reflect.ownKeys(error)).toEqual(keys);
    expect(classifyError(error)).toEqual({ kind: 'transient' });
  });
});
