import { ResilienceManager, type StateStore } from '@rampart/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleErrors, REFUSED_URL, SECRET, shown, until, WRONG_PASSWORD_URL } from './__fixtures__/redis-secrets.js';
import { cleanUp, keysUnder, REDIS_URL, rejection, testClient, uniqueNamespace } from './__fixtures__/redis-test-env.js';
import { RedisStateStore } from './redis-state-store.js';

const prefixes: string[] = [];
const stores: StateStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close?.()));
  await cleanUp(prefixes.splice(0));
});
function store(options: ConstructorParameters<typeof RedisStateStore>[0] = {}): RedisStateStore {
  const keyPrefix = options.keyPrefix ?? uniqueNamespace();
  if (options.redis === undefined) prefixes.push(keyPrefix); // a caller client's keys are under its own prefix
  const s = new RedisStateStore({ redis: REDIS_URL, ...options, keyPrefix });
  stores.push(s);
  return s;
}

// The same behaviour core's state-store.test.ts asks of MemoryStore and FileStore.
describe('RedisStateStore as a StateStore', () => {
  it('gets, sets, deletes and lists by prefix, returning copies', async () => {
    const s = store();
    expect(await s.get('missing')).toBeUndefined();
    expect(await s.entries('queue/')).toEqual([]);
    const value = { a: [1, 2], b: 'x' };
    await s.set('queue/1', value);
    await s.set('queue/2', 'two');
    await s.set('breaker/db', { state: 'open' });
    value.a.push(3);
    expect(await s.get('queue/1')).toEqual({ a: [1, 2], b: 'x' });
    const listed = (await s.entries('queue/')).sort(([a], [b]) => a.localeCompare(b));
    expect(listed).toEqual([
      ['queue/1', { a: [1, 2], b: 'x' }],
      ['queue/2', 'two'],
    ]);
    await s.delete('queue/1');
    await s.delete('queue/never');
    expect(await s.get('queue/1')).toBeUndefined();
    expect((await s.entries('')).length).toBe(2);
  });

  it('keeps the last of several concurrent writes to one key', async () => {
    const s = store();
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set('k', i)));
    expect(await s.get('k')).toBe(19);
  });

  it('survives a new instance (restart), with odd and glob-like keys, and stays inside its prefix', async () => {
    const keyPrefix = uniqueNamespace();
    const a = store({ keyPrefix });
    await a.set('../escape', 1);
    await a.set('team/marketing:api_quota', true);
    await a.set('b*[x]?\\/1', { state: 'open' });
    await a.set('bz', 'not under "b*"');
    const other = store({ keyPrefix: `${keyPrefix}other:` });
    await other.set('b*[x]?\\/2', 'elsewhere');
    await a.close();
    const b = store({ keyPrefix });
    expect(await b.get('../escape')).toBe(1);
    expect(await b.get('team/marketing:api_quota')).toBe(true);
    expect(await b.entries('b*[x]?\\/')).toEqual([['b*[x]?\\/1', { state: 'open' }]]);
    expect((await b.entries('other:')).map(([k]) => k)).toEqual(['other:b*[x]?\\/2']); // a longer prefix is just a key prefix
    expect(await other.entries('')).toEqual([['b*[x]?\\/2', 'elsewhere']]);
    expect(await keysUnder(`${keyPrefix}team/`)).toEqual([`${keyPrefix}team/marketing:api_quota`]);
  });

  it('lists more entries than one SCAN/MGET batch', async () => {
    const s = store({ batchSize: 3 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.set(`q/${i}`, { i })));
    const listed = (await s.entries('q/')).map(([, v]) => (v as { i: number }).i).sort((x, y) => x - y);
    expect(listed).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reports and skips values that are not JSON; get throws for them', async () => {
    const corrupt: string[] = [];
    const s = store({ onCorruptEntry: (key) => corrupt.push(key) });
    await s.set('ok', 1);
    await testClient().set(`${s.options.keyPrefix}bad`, 'not json');
    expect(await s.entries('')).toEqual([['ok', 1]]);
    expect(corrupt).toEqual(['bad']);
    await expect(s.get('bad')).rejects.toThrow(SyntaxError);
  });

  it('works on a caller client with its own ioredis keyPrefix, and leaves that client open on close', async () => {
    const outer = uniqueNamespace();
    prefixes.push(outer);
    const client = testClient({ keyPrefix: outer });
    const s = store({ redis: client, keyPrefix: 'inner:' });
    await s.set('x/1', 'one');
    expect(await keysUnder(outer)).toEqual([`${outer}inner:x/1`]);
    expect(await s.entries('x/')).toEqual([['x/1', 'one']]);
    await s.close();
    expect(await client.ping()).toBe('PONG');
  });

  it('quits the connection it opened', async () => {
    const s = store();
    await s.set('k', 1);
    await s.close();
    await expect(s.get('k')).rejects.toThrow(/Connection is closed/);
  });

  it('validates options, never showing a password', () => {
    expect(() => new RedisStateStore({ redis: 'http://user:hunter2@127.0.0.1' })).toThrow(
      expect.objectContaining({ name: 'ConfigError', path: 'redisStateStore.redis', value: 'http://user:***@127.0.0.1' }),
    );
    expect(() => new RedisStateStore({ redis: 'http://user:hunter2@127.0.0.1' })).not.toThrow(/hunter2/);
    expect(() => new RedisStateStore({ redis: {} as never })).toThrow(expect.objectContaining({ path: 'redisStateStore.redis' }));
    expect(() => new RedisStateStore({ redis: REDIS_URL, keyPrefix: 3 as never })).toThrow(expect.objectContaining({ path: 'redisStateStore.keyPrefix' }));
    expect(() => new RedisStateStore({ redis: REDIS_URL, batchSize: 0 })).toThrow(expect.objectContaining({ path: 'redisStateStore.batchSize', value: 0 }));
    expect(() => new RedisStateStore({ redis: REDIS_URL, prefix: 'x' } as never)).toThrow(expect.objectContaining({ path: 'redisStateStore.prefix' }));
    const options = { keyPrefix: uniqueNamespace() };
    const copy = { ...options };
    const s = store(options);
    expect(Object.isFrozen(s.options)).toBe(true);
    expect(s.options).toMatchObject({ keyPrefix: options.keyPrefix, batchSize: 200 });
    expect(options).toEqual(copy);
  });
});

describe('RedisStateStore never shows a password', () => {
  it('strips it from the errors of a refused AUTH, also when a manager restores from the store', async () => {
    const reported: unknown[] = [];
    const s = store({ redis: WRONG_PASSWORD_URL, onConnectionError: (e) => reported.push(e) });
    const failures = [
      await rejection(s.set('k', 1)),
      await rejection(s.get('k')),
      await rejection(s.delete('k')),
      await rejection(s.entries('')),
    ];
    for (const error of failures) expect(String(error)).toContain('WRONGPASS');
    const manager = new ResilienceManager('secret-team', { env: { RAMPART_LOG_LEVEL: 'silent' }, store: s });
    const startError = await rejection(manager.start()); // restoring breakers reads the store
    await manager.stop();
    await until(() => reported.length > 0);
    const text = shown(failures, startError, ...reported);
    expect(text).toContain('[redacted]'); // where ioredis had put the AUTH arguments
    expect(text).not.toContain(SECRET);
  });

  it('reports a refused connection once per outage, through a warning by default, without the password', async () => {
    const logged = vi.spyOn(console, 'error'); // ioredis prints `error` events nobody listens to
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const s = store({ redis: REFUSED_URL });
      await until(() => warnings.some((w) => w.message.includes('ECONNREFUSED')));
      const reported: unknown[] = [];
      const own = store({ redis: REFUSED_URL, onConnectionError: (e) => reported.push(e) });
      await until(() => reported.length > 0);
      await s.close(); // nothing queued: returns at once
      await own.close();
      expect(reported).toHaveLength(1); // ioredis kept retrying; one outage, one report
      expect(warnings.filter((w) => w.name === 'RampartWarning')).toHaveLength(1);
      expect(shown(...warnings, ...reported) + consoleErrors(logged)).not.toContain(SECRET);
      expect(consoleErrors(logged)).toBe('');
    } finally {
      process.off('warning', onWarning);
    }
  });
});
