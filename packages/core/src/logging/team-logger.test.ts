import { describe, expect, it } from 'vitest';
import { runTypeScript } from '../../../../test/support/child-process.js';

const fixture = new URL('./__fixtures__/log-streams.child.ts', import.meta.url);

/** Run the fixture at `level`: its stdout lines and its stderr parsed as JSON log lines. */
async function run(level: string): Promise<{ stdout: string[]; logs: Array<Record<string, unknown>>; stderr: string }> {
  const child = runTypeScript(fixture, [], { env: { RAMPART_LOG_LEVEL: level } });
  const { code, stderr } = await child.exited;
  expect(code, stderr).toBe(0);
  const logs = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { stdout: child.lines, logs, stderr };
}

describe('Rampart logger', () => {
  it('writes to stderr: the program’s stdout holds only its own output', async () => {
    const { stdout, logs } = await run('warn');
    expect(stdout).toEqual(['result FallbackExhaustedError']);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((l) => l.name === 'rampart' && l.team === 'cli' && l.level === 40)).toBe(true);
  });

  it('logs an error with its class, message and stack, and without a URL password', async () => {
    const { stdout, logs, stderr } = await run('debug');
    expect(stdout).toEqual(['result FallbackExhaustedError']);
    const err = logs.map((l) => l.err as Record<string, unknown> | undefined).find((e) => e?.type === 'ReplicaDownError');
    expect(err).toBeDefined();
    expect(err!.message).toContain('cannot reach postgres://app:[redacted]@127.0.0.1:1/db');
    expect(String(err!.stack)).toMatch(/^ReplicaDownError: cannot reach[^\n]*\n\s+at /);
    expect(String(err!.stack)).toContain('caused by: Error: connect ECONNREFUSED');
    expect(stderr).not.toContain('hunter2-secret');
  });

  it('writes nothing at silent', async () => {
    const { stdout, stderr } = await run('silent');
    expect(stdout).toEqual(['result FallbackExhaustedError']);
    expect(stderr).toBe('');
  });
});
