// Test support (not a test file): run a command (a `node` script, an `npm start`) in its own
// process group, at most two at a time (this machine has two cores), and collect how it ended.
import { spawn } from 'node:child_process';
import { root } from './built-packages.js';

/** How a run ended, with its whole output. */
export interface ScriptRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string;
}

const running = new Set<number>();
let active = 0;
const waiting: Array<() => void> = [];

/**
 * Run `command` with `args` from the repository root, with `RAMPART_LOG_LEVEL=silent` unless `env`
 * says otherwise; resolves once it has exited and its output is read. `onStart` is told the child's
 * process id (for what a script names after its `process.pid`).
 */
export async function runScript(
  command: string,
  args: string[],
  env: Record<string, string> = {},
  onStart?: (pid: number) => void,
): Promise<ScriptRun> {
  if (active >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await new Promise<ScriptRun>((resolve, reject) => {
      const child = spawn(command, args, {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RAMPART_LOG_LEVEL: 'silent', ...env },
        detached: true, // its own process group, so that killRunning() also ends what it started
      });
      if (child.pid !== undefined) {
        running.add(child.pid);
        onStart?.(child.pid);
      }
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (child.pid !== undefined) running.delete(child.pid);
        resolve({ code, signal, stdout: stdout.split('\n').filter((line) => line !== ''), stderr });
      });
    });
  } finally {
    active--;
    waiting.shift()?.();
  }
}

/** SIGKILL the process groups of runs still going (after a test timed out). */
export function killRunning(): void {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}
