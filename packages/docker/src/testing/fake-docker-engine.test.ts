import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDockerEngine } from './fake-docker-engine.js';

let engine: FakeDockerEngine;

function get(path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ socketPath: engine.socketPath, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

beforeEach(async () => {
  engine = await FakeDockerEngine.start({ containers: [{ name: 'web', health: 'healthy' }, { name: 'old', status: 'exited', exitCode: 2 }] });
});
afterEach(() => engine.close());

describe('FakeDockerEngine', () => {
  it('answers /_ping like the Engine, with or without a version prefix', async () => {
    for (const path of ['/_ping', '/v1.47/_ping']) {
      const res = await get(path);
      expect(res).toMatchObject({ status: 200, body: 'OK' });
      expect(res.headers['api-version']).toBe('1.47');
      expect(res.headers.ostype).toBe('linux');
    }
  });

  it('lists running containers by default and all of them with all=1', async () => {
    const running = JSON.parse((await get('/containers/json')).body) as Array<{ Names: string[]; State: string }>;
    expect(running.map((c) => c.Names[0])).toEqual(['/web']);
    const all = JSON.parse((await get('/containers/json?all=1')).body) as Array<{ State: string; Status: string }>;
    expect(all.map((c) => [c.State, c.Status])).toEqual([
      ['running', 'Up 5 minutes (healthy)'],
      ['exited', 'Exited (2) 1 minute ago'],
    ]);
  });

  it('inspects by name, and answers 404 with the Engine error body for unknown ones', async () => {
    const web = JSON.parse((await get('/containers/web/json')).body) as Record<string, any>;
    expect(web.Name).toBe('/web');
    expect(web.Id).toMatch(/^[0-9a-f]{64}$/);
    expect(web.State).toMatchObject({ Status: 'running', Running: true, Health: { Status: 'healthy', FailingStreak: 0 } });
    const old = JSON.parse((await get('/containers/old/json')).body) as Record<string, any>;
    expect(old.State.Health).toBeUndefined();
    expect(old.State).toMatchObject({ Status: 'exited', Running: false, ExitCode: 2 });
    const missing = await get('/containers/nope/json');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ message: 'No such container: nope' });
  });

  it('can be stopped and started again on the same socket', async () => {
    await engine.stop();
    expect(engine.listening).toBe(false);
    await expect(get('/_ping')).rejects.toMatchObject({ code: expect.stringMatching(/ENOENT|ECONNREFUSED/) });
    await engine.listen();
    expect((await get('/_ping')).body).toBe('OK');
  });
});
