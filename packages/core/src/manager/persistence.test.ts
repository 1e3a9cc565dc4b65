import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runTypeScript, type ChildDriver } from '../../../../test/support/child-process.js';
import { ConfigError } from '../errors/config-error.js';
import { FallbackAction } from '../fallback/fallback-action.js';
import { currentFallback } from '../fallback/fallback-context.js';
import { withFallback } from '../fallback/with-fallback.js';
import type { QueuedRequest } from '../queue/queued-request.js';
import { FallbackStrategy, ResourceType } from '../resource/resource-types.js';
import { FakeClock } from '../testing/fake-clock.js';
import { httpError, memoryLogger, rejection } from './__fixtures__/manager-fixtures.js';
import type { ManagerWarning } from './manager-events.js';
import { ResilienceManager } from './resilience-manager.js';
import type { ResilienceConfig } from './resilience-config.js';

const dirs: string[] = [];
const managers: ResilienceManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stop()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function storage(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'rampart-manager-'));
  dirs.push(d);
  return d;
}
function manager(team: string, storagePath: string, config: ResilienceConfig = {}): ResilienceManager {
  const m = new ResilienceManager(team, {
    env: {},
    clock: new FakeClock({ wallNow: Date.now() }),
    logger: memoryLogger().logger,
    storagePath,
    queue: { retryIntervalMs: 1_000, maxWaitMs: 3_600_000 },
    fallbackStrategies: { network: [new FallbackAction(FallbackStrategy.QUEUE_REQUEST)], database: [new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)] },
    ...config,
  });
  managers.push(m);
  return m;
}
function nextQueued(m: ResilienceManager): Promise<QueuedRequest> {
  return new Promise((resolve) => {
    const sub = m.onRequestQueued((r) => {
      sub.dispose();
      resolve(r);
    });
  });
}
function nextSettled(m: ResilienceManager): Promise<QueuedRequest> {
  return new Promise((resolve) => {
    const sub = m.onQueuedRequestSettled((r) => {
      sub.dispose();
      resolve(r);
    });
  });
}

/** A team whose `notify` fails while `Notifier.down` is set. */
class Notifier {
  static down = true;
  static sent: string[] = [];
  constructor(readonly resilience: ResilienceManager) {}

  @withFallback(ResourceType.NETWORK)
  async notify(channel: string, message: { text: string }): Promise<string> {
    if (Notifier.down) throw httpError(503, 'webhook down');
    Notifier.sent.push(`${channel}:${message.text}`);
    return `sent to ${channel}`;
  }
}

describe('state that survives a restart', () => {
  it('a queued request is persisted, and answered by the same method after the manager restarts', async () => {
    const path = await storage();
    Notifier.down = true;
    Notifier.sent = [];
    const first = manager('ops', path);
    await first.start();
    const queued = nextQueued(first);
    const call = rejection(new Notifier(first).notify('#alerts', { text: 'disk full' }));
    const record = await queued;
    expect(record).toMatchObject({ status: 'queued', persisted: true, className: 'Notifier', method: 'notify', resource: 'network' });
    await first.stop();
    expect(await call).toMatchObject({ name: 'QueueStoppedError', persisted: true, requestId: record.id });
    expect(Notifier.sent).toEqual([]);

    Notifier.down = false;
    const second = manager('ops', path);
    const settled = nextSettled(second);
    await second.start();
    expect(second.getQueuedRequest(record.id)?.status).toBe('queued');
    new Notifier(second); // the decorated method exists again on an instance holding a manager for the team
    expect(await settled).toMatchObject({ id: record.id, status: 'succeeded', result: 'sent to #alerts', replays: 1 });
    expect(Notifier.sent).toEqual(['#alerts:disk full']);
    await second.stop();

    const third = manager('ops', path);
    await third.start();
    expect(third.getQueuedRequest(record.id)).toMatchObject({ status: 'succeeded', result: 'sent to #alerts' });
    expect(manager('other-team', path).getQueuedRequest(record.id)).toBeUndefined();
  });

  it('a method with a key is persisted and replayed under it, not under its class name (which a minifier renames)', async () => {
    const path = await storage();
    const sent: string[] = [];
    const sender = (name: string, down: boolean) => {
      // the same source class, as two builds' minifiers name it
      const C = class {
        constructor(readonly resilience: ResilienceManager) {}
        @withFallback(ResourceType.NETWORK, { key: 'notifier.send' })
        async send(text: string): Promise<string> {
          if (down) throw httpError(503, 'webhook down');
          sent.push(text);
          return `sent ${text}`;
        }
      };
      Object.defineProperty(C, 'name', { value: name });
      return C;
    };
    const first = manager('ops', path);
    await first.start();
    const queued = nextQueued(first);
    const call = rejection(new (sender('a', true))(first).send('hello'));
    expect(await queued).toMatchObject({ className: '', method: 'notifier.send', persisted: true });
    await first.stop();
    await call;
    const second = manager('ops', path);
    const settled = nextSettled(second);
    await second.start();
    new (sender('x', false))(second);
    expect(await settled).toMatchObject({ status: 'succeeded', result: 'sent hello' });
    expect(sent).toEqual(['hello']);
  });

  it('open provider and resource breakers stay open across a restart', async () => {
    const path = await storage();
    const config: ResilienceConfig = { fallbackStrategies: { database: [new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)], docker: [new FallbackAction(FallbackStrategy.CIRCUIT_BREAK)] } };
    const first = manager('db-team', path, config);
    first.setProviders(ResourceType.DATABASE, ['eu/primary', 'replica']);
    await first.start();
    await rejection(first.execute(ResourceType.DATABASE, async () => Promise.reject(httpError(503))));
    await rejection(first.execute(ResourceType.DOCKER, async () => Promise.reject(httpError(503))));
    const before = (await first.getHealthReport()).circuits;
    expect(before['db-team/database/eu/primary']).toMatchObject({ state: 'open', resource: 'database', provider: 'eu/primary' });
    expect(before['db-team/database']).toMatchObject({ state: 'closed', providers: { 'eu/primary': 'open', replica: 'closed' } });
    expect(before['db-team/docker']).toMatchObject({ state: 'open', resource: 'docker' });
    await first.stop();

    const second = manager('db-team', path, config);
    second.setProviders(ResourceType.DATABASE, ['eu/primary', 'replica']);
    await second.start();
    const after = (await second.getHealthReport()).circuits;
    expect(after['db-team/database/eu/primary']?.state).toBe('open');
    expect(after['db-team/docker']?.state).toBe('open');
    const called: Array<string | undefined> = [];
    const err = await rejection(second.execute(ResourceType.DATABASE, async () => called.push(currentFallback()?.provider)));
    expect(called).toEqual([]); // the primary's breaker is open: proactive, and this chain cannot switch
    expect(err).toMatchObject({ name: 'FallbackExhaustedError', proactive: true });
    expect(second.isProviderAvailable(ResourceType.DATABASE, 'eu/primary')).toBe(false);
    expect(second.isProviderAvailable(ResourceType.DATABASE, 'replica')).toBe(true);
    const fast = await rejection(second.execute(ResourceType.DOCKER, async () => called.push('docker')));
    expect(called).toEqual([]);
    expect(fast).toMatchObject({ name: 'FallbackExhaustedError', proactive: true });
  });

  it('arguments that do not serialise stay in memory only, with a warning', async () => {
    const path = await storage();
    const m = manager('ops', path);
    const warnings: ManagerWarning[] = [];
    m.onWarning((w) => warnings.push(w));
    Notifier.down = true;
    const queued = nextQueued(m);
    const call = rejection(new Notifier(m).notify('#x', { text: new Date(0) as never }));
    const record = await queued;
    expect(record.persisted).toBe(false);
    expect(warnings).toEqual([{ message: 'queued request kept in memory only: args[1].text is a Date, not a plain object', requestId: record.id }]);
    expect(await readdir(path)).toEqual([]);
    await m.stop();
    expect(await call).toMatchObject({ name: 'QueueStoppedError', persisted: false });
  });

  it('stores files atomically under the storage path, without the arguments in clear when not needed', async () => {
    const path = await storage();
    const m = manager('ops', path);
    Notifier.down = true;
    const queued = nextQueued(m);
    void rejection(new Notifier(m).notify('#y', { text: 'hello' }));
    const record = await queued;
    const files = await readdir(path);
    expect(files).toEqual([encodeURIComponent(`ops/queue/${record.id}`) + '.json']);
    const stored = JSON.parse(await readFile(join(path, files[0]!), 'utf8')) as { key: string; value: { argsJson: string } };
    expect(stored.key).toBe(`ops/queue/${record.id}`);
    expect(JSON.parse(stored.value.argsJson)).toEqual(['#y', { text: 'hello' }]);
  });
});

/** A manager of team `ops` on `storagePath` whose warnings are kept (`lines`). */
function loggedManager(storagePath: string) {
  const log = memoryLogger('warn');
  const m = manager('ops', storagePath, { clock: new FakeClock({ wallNow: Date.parse('2026-12-07T01:00:00Z') }), logger: log.logger });
  return { m, lines: log.lines };
}

describe('manager state on disk', () => {
  it('a storagePath that is a file is a ConfigError naming storagePath, not an ENOTDIR later', async () => {
    const file = join(await storage(), 'not-a-dir');
    await writeFile(file, '');
    const make = () => new ResilienceManager('ops', { env: {}, storagePath: file });
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(`storagePath: must be a directory, but "${file}" is a file or lies below one`);
  });

  it('a corrupt queued request is moved aside, logged once with its id and method, shown in the health report, and not met at the next start', async () => {
    const path = await storage();
    const key = 'ops/queue/7d2a';
    const name = `${encodeURIComponent(key)}.json`;
    const record = { key, value: { version: 1, id: '7d2a', team: 'ops', resource: 'network', className: 'Mailer', method: 'send', status: 'queued', argsJson: '["a"]' } };
    const text = JSON.stringify(record);
    await writeFile(join(path, name), text.slice(0, text.indexOf('"status"'))); // torn

    const first = loggedManager(path);
    await first.m.start();
    const warnings = first.lines.filter((l) => String(l.msg).includes('corrupt state file'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      level: 40,
      team: 'ops',
      requestId: '7d2a',
      msg: `moved corrupt state file ${join(path, name)} aside to ${join(path, name)}.corrupt; it held key ops/queue/7d2a (request 7d2a, Mailer.send, network)`,
    });
    expect((await first.m.getHealthReport()).storage).toEqual({
      quarantined: [
        {
          file: join(path, name),
          moved_to: join(path, `${name}.corrupt`),
          held: { key, id: '7d2a', team: 'ops', resource: 'network', className: 'Mailer', method: 'send' },
          found_at: '2026-12-07T01:00:00.000Z',
        },
      ],
    });
    expect(first.m.getQueuedRequest('7d2a')).toBeUndefined();
    await first.m.stop();

    const second = loggedManager(path);
    await second.m.start();
    expect(second.lines.filter((l) => String(l.msg).includes('corrupt'))).toEqual([]);
    expect((await second.m.getHealthReport()).storage).toEqual({ quarantined: [] });
    expect(await readdir(path)).toEqual([`${name}.corrupt`]);
  });

  it('without persistence the report has no storage section', async () => {
    const m = new ResilienceManager('ops', { env: {}, logger: memoryLogger().logger });
    managers.push(m);
    expect((await m.getHealthReport()).storage).toBeUndefined();
  });
});

// Each child compiles the sources with swc as it loads them: allow for a slow, busy machine.
describe('in a separate process', { timeout: 60_000 }, () => {
  const children: ChildDriver[] = [];
  const child = (fixture: string, args: string[] = []) => {
    const c = runTypeScript(new URL(`./__fixtures__/${fixture}`, import.meta.url), args);
    children.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('the process exits by itself after stop(), even with timers that are not unref-ed', async () => {
    const stopping = child('stop-exit.child.ts');
    const { code, stderr } = await stopping.exited;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stopping.lines).toEqual(['outcomes ["QueueStoppedError","RampartError","RampartError"]', 'stopped']);
  });

  it('a request queued before SIGKILL is replayed after a restart', async () => {
    const path = await storage();
    const killed = child('sigkill-queue.child.ts', [path]);
    const line = await killed.line(/^queued /);
    expect(line).toMatch(/persisted=true$/);
    const id = line.split(' ')[1]!;
    killed.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');

    class MailTeam {
      sent: string[] = [];
      resilience = manager('mail-team', path);
      @withFallback(ResourceType.NETWORK)
      async send(to: string, body: { subject: string }): Promise<string> {
        this.sent.push(`${to}: ${body.subject}`);
        return 'delivered';
      }
    }
    const team = new MailTeam();
    const settled = nextSettled(team.resilience);
    await team.resilience.start();
    expect(await settled).toMatchObject({ id, status: 'succeeded', result: 'delivered', className: 'MailTeam', method: 'send' });
    expect(team.sent).toEqual(['ops@example.test: disk full']);
  });
});
