import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const loader = fileURLToPath(new URL('./register-swc-loader.mjs', import.meta.url));

/** A running child process with its output so far. */
export interface Child {
  readonly stdout: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** The first stdout line (past or future) matching `re`; rejects if the process exits first. */
  line(re: RegExp): Promise<string>;
  kill(signal: NodeJS.Signals): void;
}

/** Run a TypeScript fixture of this folder in a child `node` (sources compiled on load by swc). */
export function runChild(fixture: string, args: string[]): Child {
  const script = fileURLToPath(new URL(`./${fixture}`, import.meta.url));
  const proc = spawn(process.execPath, ['--conditions=rampart-source', '--import', loader, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RAMPART_LOG_LEVEL: 'silent' },
  });
  const stdout: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  let buffer = '';
  let stderr = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    const parts = (buffer + chunk.toString()).split('\n');
    buffer = parts.pop() ?? '';
    for (const l of parts) {
      stdout.push(l);
      for (const w of waiters.filter((w) => w.re.test(l))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return {
    stdout,
    exited,
    line: (re) => {
      const found = stdout.find((l) => re.test(l));
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ re, resolve });
        void exited.then(({ code, signal, stderr: err }) => reject(new Error(`child exited (${code ?? signal}) before printing ${re}:\n${err}`)));
      });
    },
    kill: (signal) => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}
